package dev.vigil.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Hand-written SVG charts, enough for benchmark pictures and no dependency: a range chart
 * (one row per series: the min–max line, a dot at p50, a tick at p99), a line chart and a bar
 * chart. Build charts, then stack them into one file with {@link #document(String, Chart...)}.
 * Axes start at zero, so bars and distances compare honestly.
 */
public final class Svg {
    private static final int WIDTH = 760;
    private static final int LEFT = 170;
    private static final int RIGHT = 40;
    private static final int TOP = 36;
    private static final int BOTTOM = 44;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private Svg() {}

    /** One drawn chart: its height and its SVG elements, in its own coordinates. */
    public record Chart(int height, String body) {}

    /** One row of a range chart. */
    public record Range(String label, double min, double p50, double p99, double max) {
        public static Range of(String label, Stats s) {
            return new Range(label, s.min(), s.p50(), s.p99(), s.max());
        }
    }

    /** One line of a line chart: points in x order. */
    public record Series(String name, List<double[]> points) {}

    /** One bar of a bar chart. */
    public record Bar(String label, double value) {}

    /** A horizontal range chart; {@code target}, if present, is drawn as a dashed vertical line. */
    public static Chart ranges(String title, String unit, List<Range> rows, OptionalDouble target) {
        int rowHeight = 26;
        int plotHeight = Math.max(rows.size(), 1) * rowHeight;
        double top = niceMax(max(rows.stream().mapToDouble(Range::max), target));
        Axis x = new Axis(LEFT, WIDTH - RIGHT, top);
        StringBuilder sb = new StringBuilder();
        title(sb, title);
        xAxis(sb, x, TOP + plotHeight, TOP, unit);
        for (int i = 0; i < rows.size(); i++) {
            Range r = rows.get(i);
            double y = TOP + i * rowHeight + rowHeight / 2.0;
            text(sb, LEFT - 8, y + 4, "end", 12, r.label());
            if (Double.isNaN(r.min())) {
                text(sb, LEFT + 4, y + 4, "start", 11, "no data");
                continue;
            }
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-width=\"2\"/>%n",
                    x.at(r.min()), y, x.at(r.max()), y));
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-width=\"2\"><title>p99 %s</title></line>%n",
                    x.at(r.p99()), y - 7, x.at(r.p99()), y + 7, num(r.p99())));
            sb.append(String.format(Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#1f77b4\"><title>p50 %s</title></circle>%n",
                    x.at(r.p50()), y, num(r.p50())));
        }
        target.ifPresent(t -> targetX(sb, x, t, TOP, TOP + plotHeight));
        int legendY = TOP + plotHeight + 38;
        text(sb, LEFT, legendY, "start", 11, "line: min to max   dot: p50   red tick: p99"
                + (target.isPresent() ? "   dashed: target" : ""));
        return new Chart(legendY + 12, sb.toString());
    }

    /** A line chart of numeric x against y; {@code target}, if present, is a dashed horizontal line. */
    public static Chart lines(String title, String xLabel, String yLabel, List<Series> series, OptionalDouble target) {
        int plotHeight = 220;
        double xTop = niceMax(series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).max().orElse(1));
        double yTop = niceMax(max(series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]), target));
        Axis x = new Axis(LEFT, WIDTH - RIGHT, xTop);
        Axis y = new Axis(TOP + plotHeight, TOP, yTop);
        StringBuilder sb = new StringBuilder();
        title(sb, title);
        xAxis(sb, x, TOP + plotHeight, TOP, xLabel);
        yAxis(sb, y, yLabel);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.at(p[0]), y.at(p[1])));
            }
            sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                    .append(pts.toString().trim()).append("\"/>\n");
            for (double[] p : s.points()) {
                sb.append(String.format(Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s, %s</title></circle>%n",
                        x.at(p[0]), y.at(p[1]), color, escape(s.name()), num(p[0]), num(p[1])));
            }
            legend(sb, i, color, s.name(), TOP + 14);
        }
        target.ifPresent(t -> {
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>%n",
                    LEFT, y.at(t), WIDTH - RIGHT, y.at(t)));
            text(sb, WIDTH - RIGHT, y.at(t) - 4, "end", 11, "target " + num(t));
        });
        return new Chart(TOP + plotHeight + BOTTOM, sb.toString());
    }

    /** A vertical bar chart, one bar per label. */
    public static Chart bars(String title, String yLabel, List<Bar> bars) {
        int plotHeight = 200;
        double yTop = niceMax(bars.stream().mapToDouble(Bar::value).max().orElse(1));
        Axis y = new Axis(TOP + plotHeight, TOP, yTop);
        StringBuilder sb = new StringBuilder();
        title(sb, title);
        yAxis(sb, y, yLabel);
        line(sb, LEFT, TOP + plotHeight, WIDTH - RIGHT, TOP + plotHeight);
        double slot = (WIDTH - RIGHT - LEFT) / (double) Math.max(bars.size(), 1);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double x0 = LEFT + i * slot + slot * 0.15;
            double h = y.at(0) - y.at(b.value());
            sb.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>%n",
                    x0, y.at(b.value()), slot * 0.7, h, COLORS[0], escape(b.label()), num(b.value())));
            text(sb, x0 + slot * 0.35, y.at(b.value()) - 4, "middle", 11, num(b.value()));
            text(sb, x0 + slot * 0.35, TOP + plotHeight + 16, "middle", 11, b.label());
        }
        return new Chart(TOP + plotHeight + BOTTOM, sb.toString());
    }

    /** One SVG file holding the charts one below the other. */
    public static String document(String title, Chart... charts) {
        int height = 0;
        StringBuilder body = new StringBuilder();
        for (Chart c : charts) {
            body.append("<g transform=\"translate(0,").append(height).append(")\">\n").append(c.body()).append("</g>\n");
            height += c.height() + 12;
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + WIDTH + " " + height + "\" font-family=\"sans-serif\">\n"
                + "<title>" + escape(title) + "</title>\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- drawing helpers --------------------------------------------------------------------

    /** Maps values in [0, top] onto pixels from {@code from} to {@code to}. */
    private record Axis(double from, double to, double top) {
        double at(double v) {
            return from + (to - from) * (v / top);
        }
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code v}; 1 when there is nothing to show. */
    static double niceMax(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return 1;
        }
        double pow = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= v) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    private static double max(java.util.stream.DoubleStream values, OptionalDouble target) {
        double m = values.filter(Double::isFinite).max().orElse(0);
        return Math.max(m, target.orElse(0));
    }

    private static void title(StringBuilder sb, String title) {
        text(sb, WIDTH / 2.0, 22, "middle", 15, title);
    }

    private static void xAxis(StringBuilder sb, Axis x, double yBase, double yTop, String label) {
        line(sb, x.from(), yBase, x.to(), yBase);
        for (int i = 0; i <= 5; i++) {
            double v = x.top() * i / 5;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n", x.at(v), yTop, x.at(v), yBase));
            text(sb, x.at(v), yBase + 14, "middle", 11, num(v));
        }
        text(sb, (x.from() + x.to()) / 2, yBase + 28, "middle", 11, label);
    }

    private static void yAxis(StringBuilder sb, Axis y, String label) {
        line(sb, LEFT, y.from(), LEFT, y.to());
        for (int i = 0; i <= 4; i++) {
            double v = y.top() * i / 4;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, y.at(v), WIDTH - RIGHT, y.at(v)));
            text(sb, LEFT - 6, y.at(v) + 4, "end", 11, num(v));
        }
        sb.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 %d %.1f)\">%s</text>%n",
                LEFT - 50, (y.from() + y.to()) / 2, LEFT - 50, (y.from() + y.to()) / 2, escape(label)));
    }

    private static void targetX(StringBuilder sb, Axis x, double t, double y0, double y1) {
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>%n",
                x.at(t), y0 - 4, x.at(t), y1));
    }

    private static void legend(StringBuilder sb, int i, String color, String name, double y) {
        double x = LEFT + 12 + i * 150;
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"4\" fill=\"%s\"/>%n",
                x, y - 4, color));
        text(sb, x + 16, y + 1, "start", 11, name);
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2) {
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>%n", x1, y1, x2, y2));
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, int size, String s) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(s)));
    }

    private static String num(double v) {
        return Table.cell(v);
    }
}
