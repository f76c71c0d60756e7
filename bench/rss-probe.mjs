// Preloaded into a sagekit CLI process by the memory rows (node --import ./bench/rss-probe.mjs …):
// at exit, writes the process's peak RSS (kB) and CPU time (ms) as JSON to $SAGEKIT_BENCH_PROBE_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.SAGEKIT_BENCH_PROBE_FILE;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 }));
  });
}
