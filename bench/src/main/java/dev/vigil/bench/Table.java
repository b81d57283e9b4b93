package dev.vigil.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fixed-width text table for stdout: a header, a rule, then rows; numbers right-aligned,
 * text left-aligned. Cells are formatted with {@link #cell(Object)}.
 */
public final class Table {
    private final List<String> headers;
    private final List<List<Object>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table add(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        rows.add(java.util.Arrays.asList(cells));
        return this;
    }

    /** Whole numbers as they are, others with up to two decimals, null and NaN as "-". */
    public static String cell(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "-";
            }
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d);
        }
        return v.toString();
    }

    @Override
    public String toString() {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = headers.get(c).length();
            for (List<Object> r : rows) {
                width[c] = Math.max(width[c], cell(r.get(c)).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, width, headers.stream().map(h -> (Object) h).toList(), false);
        for (int c = 0; c < width.length; c++) {
            sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        sb.append('\n');
        for (List<Object> r : rows) {
            line(sb, width, r, true);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, int[] width, List<Object> cells, boolean alignNumbers) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String s = cell(cells.get(c));
            String pad = " ".repeat(width[c] - s.length());
            boolean right = alignNumbers && cells.get(c) instanceof Number;
            l.append(c == 0 ? "" : "  ").append(right ? pad + s : s + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
