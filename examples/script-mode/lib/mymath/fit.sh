# fit_line EPOCHS RATE < "x,y" rows  ->  "w b loss" (full-batch gradient descent)
fit_line() {
  awk -F, -v epochs="$1" -v rate="$2" '
    NF >= 2 && $1 + 0 == $1 && $2 + 0 == $2 { x[n] = $1; y[n] = $2; n++ }
    END {
      w = 0; b = 0
      for (e = 1; e <= epochs; e++) {
        gw = 0; gb = 0; loss = 0
        for (i = 0; i < n; i++) { err = w * x[i] + b - y[i]; gw += err * x[i]; gb += err; loss += err * err }
        w -= rate * 2 * gw / n; b -= rate * 2 * gb / n
      }
      printf "%.4f %.4f %.6f\n", w, b, loss / n
    }'
}
