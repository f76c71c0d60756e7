/**
 * The AWS SDK warns (`NodeVersionSupportWarning`, several lines on stderr) that its future
 * releases will need a newer Node than 20, which sagekit supports. That is the SDK's plan, not
 * something a sagekit user can act on, so it is switched off before any client is made — unless
 * the user set the variable themselves.
 */
export function quietAwsSdkWarnings(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
