package io.flowbundle.governance;

import io.flowbundle.contract.Column;
import io.flowbundle.contract.ColumnType;
import io.flowbundle.contract.Contract;
import io.flowbundle.contract.UnknownFields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The changes between two versions of a contract, each classified by what it does to the data and
 * to its readers.
 *
 * <p>Compatible: data valid under the old contract stays valid under the new one, and files written
 * before still read (a new optional column reads as null, see {@code ParquetSchemaCheck}): a new
 * optional column or nested field, a relaxed rule, a metadata change. Breaking: old data or
 * existing readers may fail: a column or field removed (a rename is a removal and an addition), a
 * type changed, a new required column, a rule added or tightened, a different primary key. Breaking
 * changes need a higher {@code schema_version}, so consumers can tell the versions apart.
 */
public final class ContractDiff {

    /** How a change affects existing data and readers. */
    public enum Impact {
        COMPATIBLE,
        BREAKING;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** One change, as a sentence about the new contract. */
    public record Change(Impact impact, String what) {
        @Override
        public String toString() {
            return impact.label() + ": " + what;
        }
    }

    private final Contract before;
    private final Contract after;
    private final List<Change> changes = new ArrayList<>();

    private ContractDiff(Contract before, Contract after) {
        this.before = before;
        this.after = after;
    }

    public static ContractDiff compare(Contract before, Contract after) {
        ContractDiff diff = new ContractDiff(before, after);
        diff.metadata();
        diff.columns();
        return diff;
    }

    public Contract before() {
        return before;
    }

    public Contract after() {
        return after;
    }

    public List<Change> changes() {
        return List.copyOf(changes);
    }

    public boolean isBreaking() {
        return changes.stream().anyMatch(c -> c.impact() == Impact.BREAKING);
    }

    /**
     * Why the new contract cannot replace the old one as written, naming the new file: a breaking
     * change without a higher schema_version, or a schema_version that went down.
     */
    public Optional<String> refusal() {
        int was = before.schemaVersion();
        int is = after.schemaVersion();
        if (is < was) {
            return Optional.of(
                    after.location()
                            + ": schema_version went down from "
                            + was
                            + " to "
                            + is
                            + "; versions only go up (use "
                            + (isBreaking() ? was + 1 : was)
                            + " or more)");
        }
        if (isBreaking() && is <= was) {
            return Optional.of(
                    after.location()
                            + ": breaking changes need schema_version "
                            + (was + 1)
                            + " or more (it is "
                            + is
                            + ")");
        }
        return Optional.empty();
    }

    /** The changes, one per line with their class, and a summary line. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("contract ")
                .append(before.name())
                .append(before.name().equals(after.name()) ? "" : " -> " + after.name())
                .append(": schema_version ")
                .append(before.schemaVersion())
                .append(" -> ")
                .append(after.schemaVersion())
                .append('\n');
        for (Change change : changes) {
            out.append(String.format("  %-10s  %s%n", change.impact().label(), change.what()));
        }
        long breaking = changes.stream().filter(c -> c.impact() == Impact.BREAKING).count();
        out.append(
                changes.isEmpty()
                        ? "no changes\n"
                        : changes.size()
                                + " change(s): "
                                + breaking
                                + " breaking, "
                                + (changes.size() - breaking)
                                + " compatible\n");
        return out.toString();
    }

    private void compatible(String what) {
        changes.add(new Change(Impact.COMPATIBLE, what));
    }

    private void breaking(String what) {
        changes.add(new Change(Impact.BREAKING, what));
    }

    private void metadata() {
        text("name", before.name(), after.name());
        text("owner", before.owner(), after.owner());
        text("source", before.source(), after.source());
        text("description", before.description(), after.description());
        if (!Objects.equals(before.retentionDays(), after.retentionDays())) {
            compatible(
                    "retention_days "
                            + (before.retentionDays() == null ? "(none)" : before.retentionDays())
                            + " -> "
                            + (after.retentionDays() == null ? "(none)" : after.retentionDays()));
        }
        if (before.unknownFields() != after.unknownFields()) {
            String what =
                    "unknown_fields "
                            + before.unknownFields().yamlName()
                            + " -> "
                            + after.unknownFields().yamlName();
            // records a producer sends today with fields the contract does not name are rejected
            if (after.unknownFields() == UnknownFields.REJECT) {
                breaking(what + " (records with fields the contract does not name are rejected)");
            } else if (before.unknownFields() == UnknownFields.KEEP) {
                // the staging layer's readers lose a column
                breaking(what + " (the staging layer no longer has the column _unknown)");
            } else {
                compatible(what);
            }
        }
        if (!before.primaryKey().equals(after.primaryKey())) {
            breaking(
                    "primary_key changed from "
                            + before.primaryKey()
                            + " to "
                            + after.primaryKey());
        }
    }

    private void text(String key, String was, String is) {
        if (!Objects.equals(was, is)) {
            compatible(
                    key + " changed" + (key.equals("description") ? "" : ": " + was + " -> " + is));
        }
    }

    private void columns() {
        List<String> added = new ArrayList<>();
        for (Column column : after.columns()) {
            if (before.column(column.name()).isEmpty()) {
                added.add(column.name());
            }
        }
        for (Column was : before.columns()) {
            Optional<Column> is = after.column(was.name());
            if (is.isEmpty()) {
                breaking("column '" + was.name() + "' removed" + renameHint(was, added));
                continue;
            }
            column(was, is.get());
        }
        for (String name : added) {
            Column column = after.column(name).orElseThrow();
            if (column.required()) {
                breaking(
                        "new required column '"
                                + name
                                + "' ("
                                + column.type()
                                + "): data written before lacks it");
            } else {
                compatible("new optional column '" + name + "' (" + column.type() + ")");
            }
        }
        List<String> kept = new ArrayList<>(after.columnNames());
        kept.retainAll(before.columnNames());
        List<String> keptBefore = new ArrayList<>(before.columnNames());
        keptBefore.retainAll(after.columnNames());
        if (!kept.equals(keptBefore)) {
            compatible("column order changed (columns are read by name)");
        }
    }

    /** A removed column whose position a new column of the same type took is probably renamed. */
    private String renameHint(Column was, List<String> added) {
        int index = before.indexOf(was.name());
        if (index < after.columns().size()) {
            Column there = after.columns().get(index);
            if (added.contains(there.name()) && there.type().equals(was.type())) {
                return " (renamed to '"
                        + there.name()
                        + "'? a rename breaks readers of the old name)";
            }
        }
        return "";
    }

    private void column(Column was, Column is) {
        String name = "'" + was.name() + "'";
        type(was.name(), was.type(), is.type());
        if (!was.required() && is.required()) {
            breaking("column " + name + " is now required");
        } else if (was.required() && !is.required()) {
            compatible("column " + name + " is no longer required");
        }
        bound(name, "min", was.min(), is.min(), true);
        bound(name, "max", was.max(), is.max(), false);
        allowed(name, was.allowed(), is.allowed());
        if (!Objects.equals(was.description(), is.description())) {
            compatible("column " + name + " description changed");
        }
    }

    private void type(String path, ColumnType was, ColumnType is) {
        if (was.equals(is)) {
            return;
        }
        if (was.kind() != ColumnType.Kind.ROW || is.kind() != ColumnType.Kind.ROW) {
            breaking("column '" + path + "' type changed from " + was + " to " + is);
            return;
        }
        Set<String> wasFields = new LinkedHashSet<>();
        for (ColumnType.Field field : was.fields()) {
            wasFields.add(field.name());
            Optional<ColumnType.Field> same =
                    is.fields().stream().filter(f -> f.name().equals(field.name())).findFirst();
            if (same.isEmpty()) {
                breaking("field '" + path + "." + field.name() + "' removed");
            } else {
                type(path + "." + field.name(), field.type(), same.get().type());
            }
        }
        for (ColumnType.Field field : is.fields()) {
            if (!wasFields.contains(field.name())) {
                compatible("new field '" + path + "." + field.name() + "' (" + field.type() + ")");
            }
        }
    }

    /**
     * A lower bound is relaxed when it goes down or away, an upper bound when it goes up or away.
     */
    private void bound(String name, String key, Double was, Double is, boolean lower) {
        if (Objects.equals(was, is)) {
            return;
        }
        String change = key + " " + number(was) + " -> " + number(is);
        boolean relaxed = is == null || (was != null && (lower ? is < was : is > was));
        if (relaxed) {
            compatible("column " + name + " range relaxed: " + change);
        } else {
            breaking("column " + name + " range tightened: " + change);
        }
    }

    private void allowed(String name, List<String> was, List<String> is) {
        if (was.equals(is)) {
            return;
        }
        if (is.isEmpty()) {
            compatible("column " + name + " allows any value (was " + was + ")");
            return;
        }
        if (was.isEmpty()) {
            breaking("column " + name + " now allows only " + is);
            return;
        }
        List<String> removed = new ArrayList<>(was);
        removed.removeAll(is);
        List<String> added = new ArrayList<>(is);
        added.removeAll(was);
        if (!removed.isEmpty()) {
            breaking("column " + name + " allowed values removed: " + removed);
        }
        if (!added.isEmpty()) {
            compatible("column " + name + " allowed values added: " + added);
        }
    }

    private static String number(Double value) {
        if (value == null) {
            return "(none)";
        }
        return value == Math.rint(value) ? String.valueOf(value.longValue()) : value.toString();
    }
}
