package io.dynbatch.bench;

import java.util.Arrays;

/** Mean, standard deviation and a 95% confidence interval (Student's t) of a few measurements. */
public record Stats(int n, double mean, double stdev, double ci95, double min, double max) {

    /** Two-sided 97.5% quantiles of Student's t for 1..10 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};

    public static Stats of(double... xs) {
        int n = xs.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Arrays.stream(xs).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double t = n > 1 ? (n - 1 <= T975.length ? T975[n - 2] : 1.96) : 0;
        double ci = n > 1 ? t * sd / Math.sqrt(n) : 0;
        return new Stats(n, mean, sd, ci, Arrays.stream(xs).min().orElse(Double.NaN), Arrays.stream(xs).max().orElse(Double.NaN));
    }

    /** Half-width of the 95% interval relative to the mean. */
    public double relativeCi() {
        return mean == 0 ? 0 : ci95 / mean;
    }
}
