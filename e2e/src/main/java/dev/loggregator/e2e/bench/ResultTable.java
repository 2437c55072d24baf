package dev.loggregator.e2e.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scenario's results: rows of named values, printed as a table and written as JSON. */
final class ResultTable {
    final String scenario;
    final String description;
    final List<Map<String, Object>> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** The scenario's headline figures, by name (also in the JSON). */
    final Map<String, Object> summary = new LinkedHashMap<>();

    ResultTable(String scenario, String description) {
        this.scenario = scenario;
        this.description = description;
    }

    Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        rows.add(row);
        return row;
    }

    String render() {
        StringBuilder out = new StringBuilder("\n== " + scenario + ": " + description + "\n");
        if (rows.isEmpty()) {
            out.append("(no rows)\n");
        } else {
            appendRows(out);
        }
        summary.forEach((name, value) -> out.append("summary: ").append(name).append(" = ").append(format(value)).append('\n'));
        for (String note : notes) {
            out.append("note: ").append(note).append('\n');
        }
        return out.toString();
    }

    private void appendRows(StringBuilder out) {
        List<String> columns = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            for (String key : row.keySet()) {
                if (!columns.contains(key)) {
                    columns.add(key);
                }
            }
        }
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).length();
            for (Map<String, Object> row : rows) {
                widths[c] = Math.max(widths[c], format(row.get(columns.get(c))).length());
            }
        }
        appendRow(out, columns, widths);
        StringBuilder rule = new StringBuilder();
        for (int w : widths) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add(format(row.get(column)));
            }
            appendRow(out, cells, widths);
        }
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            line.append(String.format("%" + widths[c] + "s  ", cells.get(c)));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return "n/a";
            }
            return Math.abs(d) >= 100 ? String.format("%,.0f", d) : String.format("%.3f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        return value.toString();
    }
}
