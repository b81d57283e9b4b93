package dev.vigil.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Min, p50, p99, max and mean of one sample. Percentiles are nearest-rank: the p-th
 * percentile is the smallest value with at least p % of the sample at or below it, so it is
 * always a value that was measured. An empty sample has {@code n == 0} and NaN everywhere.
 */
public record Stats(int n, double min, double p50, double p99, double max, double mean) {

    public static Stats of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    public static Stats of(long... values) {
        return of(Arrays.stream(values).asDoubleStream().toArray());
    }

    public static Stats of(double... values) {
        if (values.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new Stats(sorted.length, sorted[0], percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1], sum / sorted.length);
    }

    /** Nearest-rank percentile of an ascending, non-empty array; {@code p} in (0, 100]. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0 || !(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " of " + sorted.length + " values");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The five figures as result fields named {@code prefix_min} … {@code prefix_mean}, plus {@code prefix_n}. */
    public Map<String, Object> fields(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "_n", n);
        m.put(prefix + "_min", min);
        m.put(prefix + "_p50", p50);
        m.put(prefix + "_p99", p99);
        m.put(prefix + "_max", max);
        m.put(prefix + "_mean", mean);
        return m;
    }
}
