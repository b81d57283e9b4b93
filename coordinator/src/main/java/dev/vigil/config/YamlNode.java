package dev.vigil.config;

import dev.vigil.config.ConfigException.ConfigError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A composed YAML node with its key path ({@code groups[0].nodes[1].agent}) and line. Reading a
 * node as the wrong shape records an error and yields null or empty instead of throwing, so
 * one pass over the file finds every problem.
 */
final class YamlNode {
    /** The errors of one load, in the order found. */
    static final class Errors {
        final Path file;
        final List<ConfigError> list = new ArrayList<>();

        Errors(Path file) {
            this.file = file;
        }

        void add(int line, String key, String message) {
            list.add(new ConfigError(file, line, key, message));
        }
    }

    private final Node node;
    private final String path;
    private final Errors errors;
    private final int keyLine;

    YamlNode(Node node, String path, Errors errors) {
        this(node, path, errors, 0);
    }

    private YamlNode(Node node, String path, Errors errors, int keyLine) {
        this.node = node;
        this.path = path;
        this.errors = errors;
        this.keyLine = keyLine;
    }

    String path() {
        return path;
    }

    /** The 1-based line; for a list or mapping under a key, the key's line rather than the first item's. */
    int line() {
        if (keyLine > 0 && !(node instanceof ScalarNode)) {
            return keyLine;
        }
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    void error(String message) {
        errors.add(line(), path, message);
    }

    boolean isNull() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    boolean isList() {
        return node instanceof SequenceNode;
    }

    boolean isMap() {
        return node instanceof MappingNode;
    }

    private String shape() {
        if (isNull()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case SCALAR -> "a single value";
            case SEQUENCE -> "a list";
            case MAPPING -> "a mapping";
            default -> "an anchor";
        };
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The node as a string, or null (with an error) if it is a list, a mapping or empty. */
    String text() {
        if (isScalar()) {
            return ((ScalarNode) node).getValue();
        }
        error("must be a single value, got " + shape());
        return null;
    }

    /** The text through a parser whose IllegalArgumentException becomes this key's error; null if bad. */
    <T> T as(Function<String, T> parser) {
        String t = text();
        if (t == null) {
            return null;
        }
        try {
            return parser.apply(t);
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return null;
        }
    }

    /** The items of a list, each with its {@code [i]} path; empty (with an error) if not a list. */
    List<YamlNode> items() {
        if (!(node instanceof SequenceNode seq)) {
            error("must be a list, got " + shape());
            return List.of();
        }
        var out = new ArrayList<YamlNode>();
        for (Node n : seq.getValue()) {
            out.add(new YamlNode(n, path + "[" + out.size() + "]", errors));
        }
        return out;
    }

    /**
     * The entries of a mapping restricted to {@code allowed} keys. Unknown keys (with a
     * suggestion), duplicate keys and non-string keys are errors; entries with them are dropped.
     */
    Fields fields(Collection<String> allowed) {
        var out = new LinkedHashMap<String, YamlNode>();
        if (!(node instanceof MappingNode map)) {
            error("must be a mapping of " + String.join(", ", allowed) + ", got " + shape());
            return new Fields(this, out);
        }
        String where = path.isEmpty() ? "at the top level" : "in " + path;
        for (NodeTuple t : map.getValue()) {
            YamlNode key = new YamlNode(t.getKeyNode(), path, errors);
            if (!key.isScalar()) {
                key.error("keys must be plain names, got " + key.shape());
                continue;
            }
            String name = ((ScalarNode) t.getKeyNode()).getValue();
            YamlNode value = new YamlNode(t.getValueNode(), child(name), errors, key.line());
            if (!allowed.contains(name)) {
                errors.add(key.line(), value.path, "unknown key '" + name + "' " + where + suggestion(name, allowed));
            } else if (out.containsKey(name)) {
                errors.add(key.line(), value.path, "duplicate key '" + name + "' (first on line "
                        + out.get(name).line() + ")");
            } else {
                out.put(name, value);
            }
        }
        return new Fields(this, out);
    }

    /** The entries of one mapping, by key. */
    static final class Fields {
        private final YamlNode owner;
        private final Map<String, YamlNode> values;

        Fields(YamlNode owner, Map<String, YamlNode> values) {
            this.owner = owner;
            this.values = values;
        }

        /** The value, or null when the key is absent or set to nothing ({@code key:} or {@code ~}). */
        YamlNode optional(String key) {
            YamlNode v = values.get(key);
            return v == null || v.isNull() ? null : v;
        }

        /** The value, or null with a "missing" error on the owner's line. */
        YamlNode required(String key) {
            YamlNode v = values.get(key);
            if (v == null) {
                owner.errors.add(owner.line(), owner.child(key), "missing required key '" + key + "'");
                return null;
            }
            if (v.isNull()) {
                v.error("'" + key + "' has no value");
                return null;
            }
            return v;
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        Collection<String> keys() {
            return values.keySet();
        }
    }

    private static String suggestion(String name, Collection<String> allowed) {
        String norm = name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = a.equals(norm) || a.replace("-", "").equals(norm.replace("-", "")) ? 0 : distance(norm, a);
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
            return "; did you mean '" + best + "'?";
        }
        return "; expected one of: " + String.join(", ", allowed);
    }

    /** Levenshtein distance with adjacent transpositions ("quorom" is one edit from "quorum"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
