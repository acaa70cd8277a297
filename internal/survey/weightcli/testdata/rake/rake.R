# The oracle for the raking test: R's survey::rake on responses.csv and
# margins.csv, raked to a relative epsilon of 1e-15 of the total.
# Usage: Rscript rake.R DIR  (prints id,weight with 17 significant digits)
suppressMessages(library(survey))
dir <- commandArgs(trailingOnly = TRUE)[1]
r <- read.csv(file.path(dir, "responses.csv"), colClasses = "character")
m <- read.csv(file.path(dir, "margins.csv"), colClasses = c("character", "character", "numeric"))
vars <- setdiff(names(r), "id")
for (v in vars) r[[v]] <- factor(r[[v]])
d <- svydesign(ids = ~1, data = r, weights = rep(1, nrow(r)))
sample.margins <- lapply(vars, function(v) as.formula(paste0("~", v)))
population.margins <- lapply(vars, function(v) {
  mv <- m[m$variable == v, ]
  df <- data.frame(factor(mv$level, levels = levels(r[[v]])), mv$count)
  names(df) <- c(v, "Freq")
  df
})
raked <- rake(d, sample.margins, population.margins, control = list(maxit = 10000, epsilon = 1e-15))
out <- data.frame(id = r$id, weight = sprintf("%.17g", weights(raked)))
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
