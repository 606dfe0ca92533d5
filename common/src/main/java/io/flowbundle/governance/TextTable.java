package io.flowbundle.governance;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns aligned for a terminal: numbers right-aligned, text left-aligned, the last column not
 * padded (it usually holds free text such as an error). Null cells print as {@code -}.
 */
public final class TextTable {

    private final List<String> headers;
    private final List<Object[]> rows = new ArrayList<>();

    public TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    public TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "a row needs " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The header line and one line per row, each starting with {@code indent}. */
    public String render(String indent) {
        int[] widths = new int[headers.size()];
        boolean[] numeric = new boolean[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            numeric[c] = !rows.isEmpty();
        }
        for (Object[] row : rows) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], text(row[c]).length());
                numeric[c] &= row[c] == null || row[c] instanceof Number;
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, indent, headers.toArray(), widths, numeric);
        for (Object[] row : rows) {
            line(out, indent, row, widths, numeric);
        }
        return out.toString();
    }

    private static void line(
            StringBuilder out, String indent, Object[] cells, int[] widths, boolean[] numeric) {
        StringBuilder line = new StringBuilder(indent);
        for (int c = 0; c < cells.length; c++) {
            String cell = text(cells[c]);
            boolean last = c == cells.length - 1;
            if (numeric[c]) {
                line.append(" ".repeat(widths[c] - cell.length())).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(widths[c] - cell.length()));
                }
            }
            if (!last) {
                line.append("  ");
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String text(Object cell) {
        return cell == null ? "-" : cell.toString();
    }
}
