# Offline generator for the Hodges-Lehmann confidence intervals hard-coded in
# test/judges/mann-whitney.test.ts (R's asymptotic wilcox.test, the algorithm Kayenta ports).
# Reproduce: apt-get install r-base-core; Rscript test/judges/reference/generate_wilcox_ci.R
# (the sample vectors are the ones in generate_mannwhitney.py)
r_depression_x <- c(1.83,0.5,1.62,2.48,1.68,1.88,1.55,3.06,1.3)
r_depression_y <- c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29)
ties_x <- c(1,2,2,3,3,3,4,5)
ties_y <- c(2,3,4,4,5,5,6,7,7,8)
lognormal_x <- c(1.099,0.943,1.316,0.499,1.408,1.04,0.85,1.283,0.46,1.128,0.847,1.499,1.524,0.768,0.766,0.586,0.824,1.433,1.875,1.369,1.243,0.792,1.347,0.812,1.377,1.104,1.874,1.352,2.422,0.996,1.782,1.367,2.853,0.458,1.891,0.732,0.791,1.21,0.574,0.672)
lognormal_y <- c(0.777,0.851,0.386,0.646,0.93,0.936,0.718,0.998,0.774,1.798,0.667,1.03,0.783,1.533,0.615,1.55,0.55,0.505,0.76,1.047,0.467,0.777,0.998,0.982,1.549,1.48,1.181,1.579,1.6,0.574,2.982,0.976,0.739)
for (name in c("r_depression", "ties", "lognormal")) {
  x <- get(paste0(name, "_x")); y <- get(paste0(name, "_y"))
  for (cl in c(0.95, 0.98)) {
    r <- suppressWarnings(wilcox.test(x, y, conf.int = TRUE, conf.level = cl, exact = FALSE, correct = TRUE))
    cat(sprintf("%s conf=%.2f lower=%.10f upper=%.10f estimate=%.10f p=%.12f\n", name, cl, r$conf.int[1], r$conf.int[2], r$estimate, r$p.value))
  }
}
