package dev.loggregator.trafficcontroller.promql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An immutable label set, names sorted (Prometheus's {@code labels.Labels}); a missing label reads as "". */
public final class Labels implements Comparable<Labels> {
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private int hash;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    public static Labels of(Map<String, String> labels) {
        TreeMap<String, String> sorted = new TreeMap<>(labels);
        return new Labels(sorted.keySet().toArray(new String[0]), sorted.values().toArray(new String[0]));
    }

    /** Labels from parallel lists whose names are already sorted and distinct. */
    public static Labels sorted(List<String> names, List<String> values) {
        return new Labels(names.toArray(new String[0]), values.toArray(new String[0]));
    }

    public static Labels of(String... namesAndValues) {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return of(map);
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    public String get(String name) {
        int at = Arrays.binarySearch(names, name);
        return at < 0 ? "" : values[at];
    }

    public boolean has(String name) {
        return Arrays.binarySearch(names, name) >= 0;
    }

    public Labels with(String name, String value) {
        TreeMap<String, String> map = toMap();
        map.put(name, value);
        return of(map);
    }

    public Labels without(Collection<String> drop) {
        List<String> keptNames = new ArrayList<>(names.length);
        List<String> keptValues = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            if (!drop.contains(names[i])) {
                keptNames.add(names[i]);
                keptValues.add(values[i]);
            }
        }
        return keptNames.size() == names.length ? this : sorted(keptNames, keptValues);
    }

    public Labels keepOnly(Collection<String> keep) {
        List<String> keptNames = new ArrayList<>();
        List<String> keptValues = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (keep.contains(names[i])) {
                keptNames.add(names[i]);
                keptValues.add(values[i]);
            }
        }
        return keptNames.size() == names.length ? this : sorted(keptNames, keptValues);
    }

    public Labels withoutMetricName() {
        return has(METRIC_NAME) ? without(List.of(METRIC_NAME)) : this;
    }

    public TreeMap<String, String> toMap() {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], values[i]);
        }
        return map;
    }

    /** Prometheus's order ({@code labels.Compare}): name by name, then value by value, then the shorter first. */
    @Override
    public int compareTo(Labels other) {
        int common = Math.min(names.length, other.names.length);
        for (int i = 0; i < common; i++) {
            int byName = names[i].compareTo(other.names[i]);
            if (byName != 0) {
                return byName;
            }
            int byValue = values[i].compareTo(other.values[i]);
            if (byValue != 0) {
                return byValue;
            }
        }
        return names.length - other.names.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Labels that && hashCode() == that.hashCode() && Arrays.equals(names, that.names)
                && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }

    /** Prometheus's text form: {@code {a="1", b="2"}}, values quoted as Go's strconv.Quote does. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(names[i]).append('=');
            GoText.quote(values[i], out);
        }
        return out.append('}').toString();
    }
}
