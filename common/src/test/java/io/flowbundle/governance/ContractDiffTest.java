package io.flowbundle.governance;

import static io.flowbundle.governance.ContractDiff.Impact.BREAKING;
import static io.flowbundle.governance.ContractDiff.Impact.COMPATIBLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbundle.contract.Contract;
import io.flowbundle.contract.ContractLoader;
import io.flowbundle.governance.ContractDiff.Change;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractDiffTest {

    /** A small contract with one column of each kind of rule, edited line by line in each test. */
    private static final String BASE =
            "name: readings\n"
                    + "schema_version: 1\n"
                    + "owner: data-platform\n"
                    + "description: readings of devices\n"
                    + "retention_days: 30\n"
                    + "primary_key: [id]\n"
                    + "columns:\n"
                    + "  - {name: id, type: string, required: true}\n"
                    + "  - {name: kind, type: string, allowed: [reading, heartbeat]}\n"
                    + "  - {name: temp, type: double, min: -50, max: 100}\n"
                    + "  - {name: note, type: string}\n"
                    + "  - {name: location, type: {room: string, building: string}}\n";

    @TempDir Path dir;

    @Test
    void identicalContractsHaveNoChangesAndNeedNoBump() {
        ContractDiff diff = diff(BASE);

        assertThat(diff.changes()).isEmpty();
        assertThat(diff.refusal()).isEmpty();
        assertThat(diff.text()).endsWith("no changes\n");
    }

    @Test
    void aNewOptionalColumnIsCompatible() {
        ContractDiff diff = diff(BASE + "  - {name: firmware, type: string}\n");

        assertThat(diff.changes())
                .containsExactly(new Change(COMPATIBLE, "new optional column 'firmware' (string)"));
        assertThat(diff.refusal()).isEmpty();
    }

    @Test
    void aNewRequiredColumnIsBreaking() {
        ContractDiff diff = diff(BASE + "  - {name: firmware, type: string, required: true}\n");

        assertThat(only(diff).impact()).isEqualTo(BREAKING);
        assertThat(only(diff).what()).startsWith("new required column 'firmware' (string)");
    }

    @Test
    void aRemovedColumnIsBreaking() {
        ContractDiff diff = diff(BASE.replace("  - {name: note, type: string}\n", ""));

        assertThat(diff.changes()).containsExactly(new Change(BREAKING, "column 'note' removed"));
    }

    @Test
    void aRenamedColumnIsARemovalAndAnAdditionWithAHint() {
        ContractDiff diff =
                diff(BASE.replace("{name: note, type: string}", "{name: comment, type: string}"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(
                                BREAKING,
                                "column 'note' removed (renamed to 'comment'? a rename breaks readers of the old name)"),
                        new Change(COMPATIBLE, "new optional column 'comment' (string)"));
        assertThat(diff.isBreaking()).isTrue();
    }

    @Test
    void aChangedTypeIsBreaking() {
        ContractDiff diff =
                diff(BASE.replace("{name: note, type: string}", "{name: note, type: bigint}"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(BREAKING, "column 'note' type changed from string to bigint"));
    }

    @Test
    void nestedFieldsAreComparedOneByOne() {
        ContractDiff diff =
                diff(
                        BASE.replace(
                                "{room: string, building: string}",
                                "{room: int, floor: {level: int}}"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(
                                BREAKING, "column 'location.room' type changed from string to int"),
                        new Change(BREAKING, "field 'location.building' removed"),
                        new Change(COMPATIBLE, "new field 'location.floor' ({level: int})"));
    }

    @Test
    void aFieldAddedDeepInsideANestedRowIsCompatible() {
        String before =
                BASE.replace(
                        "{room: string, building: string}", "{room: string, site: {city: string}}");
        String after =
                BASE.replace(
                        "{room: string, building: string}",
                        "{room: string, site: {city: string, zip: string}}");

        ContractDiff diff = ContractDiff.compare(contract("old", before), contract("new", after));

        assertThat(diff.changes())
                .containsExactly(new Change(COMPATIBLE, "new field 'location.site.zip' (string)"));
    }

    @Test
    void requiredAddedIsBreakingAndRemovedIsCompatible() {
        assertThat(
                        only(
                                diff(
                                        BASE.replace(
                                                "{name: note, type: string}",
                                                "{name: note, type: string, required: true}"))))
                .isEqualTo(new Change(BREAKING, "column 'note' is now required"));
        assertThat(
                        only(
                                diff(
                                        BASE.replace(
                                                "{name: id, type: string, required: true}",
                                                "{name: id, type: string}"))))
                .isEqualTo(new Change(COMPATIBLE, "column 'id' is no longer required"));
    }

    @Test
    void aRangeRelaxedIsCompatible() {
        ContractDiff diff = diff(BASE.replace("min: -50, max: 100", "min: -60, max: 120"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(COMPATIBLE, "column 'temp' range relaxed: min -50 -> -60"),
                        new Change(COMPATIBLE, "column 'temp' range relaxed: max 100 -> 120"));
        assertThat(diff.refusal()).isEmpty();
    }

    @Test
    void aBoundDroppedIsRelaxedAndABoundAddedIsTightened() {
        assertThat(only(diff(BASE.replace("min: -50, max: 100", "max: 100"))))
                .isEqualTo(
                        new Change(COMPATIBLE, "column 'temp' range relaxed: min -50 -> (none)"));
        ContractDiff newBound =
                ContractDiff.compare(
                        contract("old", BASE.replace("min: -50, max: 100", "max: 100")),
                        contract("new", BASE));
        assertThat(only(newBound))
                .isEqualTo(
                        new Change(BREAKING, "column 'temp' range tightened: min (none) -> -50"));
    }

    @Test
    void aRangeTightenedIsBreaking() {
        ContractDiff diff = diff(BASE.replace("min: -50, max: 100", "min: -40, max: 90.5"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(BREAKING, "column 'temp' range tightened: min -50 -> -40"),
                        new Change(BREAKING, "column 'temp' range tightened: max 100 -> 90.5"));
    }

    @Test
    void allowedValuesAddedAreCompatibleAndRemovedAreBreaking() {
        assertThat(only(diff(BASE.replace("[reading, heartbeat]", "[reading, heartbeat, alarm]"))))
                .isEqualTo(new Change(COMPATIBLE, "column 'kind' allowed values added: [alarm]"));
        assertThat(only(diff(BASE.replace("[reading, heartbeat]", "[reading]"))))
                .isEqualTo(
                        new Change(BREAKING, "column 'kind' allowed values removed: [heartbeat]"));
        assertThat(diff(BASE.replace("[reading, heartbeat]", "[reading, alarm]")).changes())
                .containsExactly(
                        new Change(BREAKING, "column 'kind' allowed values removed: [heartbeat]"),
                        new Change(COMPATIBLE, "column 'kind' allowed values added: [alarm]"));
    }

    @Test
    void anAllowedListDroppedIsCompatibleAndOneAddedIsBreaking() {
        assertThat(only(diff(BASE.replace(", allowed: [reading, heartbeat]", ""))).impact())
                .isEqualTo(COMPATIBLE);
        assertThat(
                        only(
                                diff(
                                        BASE.replace(
                                                "{name: note, type: string}",
                                                "{name: note, type: string, allowed: [a, b]}"))))
                .isEqualTo(new Change(BREAKING, "column 'note' now allows only [a, b]"));
    }

    @Test
    void metadataChangesAreCompatible() {
        ContractDiff diff =
                diff(
                        BASE.replace("owner: data-platform", "owner: sensors-team")
                                .replace(
                                        "description: readings of devices",
                                        "description: all readings")
                                .replace("retention_days: 30", "retention_days: 7")
                                .replace(
                                        "{name: note, type: string}",
                                        "{name: note, type: string, description: free text}"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(COMPATIBLE, "owner changed: data-platform -> sensors-team"),
                        new Change(COMPATIBLE, "description changed"),
                        new Change(COMPATIBLE, "retention_days 30 -> 7"),
                        new Change(COMPATIBLE, "column 'note' description changed"));
        assertThat(diff.refusal()).isEmpty();
    }

    @Test
    void aChangedPrimaryKeyIsBreaking() {
        assertThat(only(diff(BASE.replace("primary_key: [id]", "primary_key: [id, kind]"))))
                .isEqualTo(new Change(BREAKING, "primary_key changed from [id] to [id, kind]"));
    }

    @Test
    void rejectingOrDroppingKeptUnknownFieldsIsBreakingAndKeepingThemIsCompatible() {
        String strict =
                BASE.replace("primary_key: [id]\n", "primary_key: [id]\nunknown_fields: reject\n");
        String dropping =
                BASE.replace("primary_key: [id]\n", "primary_key: [id]\nunknown_fields: drop\n");

        assertThat(only(diff(strict)))
                .isEqualTo(
                        new Change(
                                BREAKING,
                                "unknown_fields keep -> reject (records with fields the contract"
                                        + " does not name are rejected)"));
        assertThat(only(diff(dropping)))
                .isEqualTo(
                        new Change(
                                BREAKING,
                                "unknown_fields keep -> drop (the staging layer no longer has the"
                                        + " column _unknown)"));
        assertThat(only(ContractDiff.compare(contract("old", strict), contract("new", BASE))))
                .isEqualTo(new Change(COMPATIBLE, "unknown_fields reject -> keep"));
        assertThat(only(ContractDiff.compare(contract("old", strict), contract("new", dropping))))
                .isEqualTo(new Change(COMPATIBLE, "unknown_fields reject -> drop"));
    }

    @Test
    void reorderedColumnsAreCompatible() {
        ContractDiff diff =
                diff(
                        BASE.replace("  - {name: note, type: string}\n", "")
                                .replace(
                                        "  - {name: id,",
                                        "  - {name: note, type: string}\n  - {name: id,"));

        assertThat(diff.changes())
                .containsExactly(
                        new Change(COMPATIBLE, "column order changed (columns are read by name)"));
    }

    @Test
    void aBreakingChangeWithoutABumpIsRefusedNamingTheNewFile() {
        Path after = write("new.yaml", BASE.replace("  - {name: note, type: string}\n", ""));

        ContractDiff diff = ContractDiff.compare(contract("old", BASE), ContractLoader.load(after));

        assertThat(diff.refusal())
                .contains(after + ": breaking changes need schema_version 2 or more (it is 1)");
    }

    @Test
    void aBreakingChangeWithABumpIsAccepted() {
        ContractDiff diff =
                diff(
                        BASE.replace("schema_version: 1", "schema_version: 2")
                                .replace("  - {name: note, type: string}\n", ""));

        assertThat(diff.isBreaking()).isTrue();
        assertThat(diff.refusal()).isEmpty();
        assertThat(diff.text())
                .startsWith("contract readings: schema_version 1 -> 2\n")
                .contains("  breaking    column 'note' removed\n")
                .endsWith("1 change(s): 1 breaking, 0 compatible\n");
    }

    @Test
    void aCompatibleChangeIsFineWithOrWithoutABump() {
        String added = BASE + "  - {name: firmware, type: string}\n";

        assertThat(diff(added).refusal()).isEmpty();
        assertThat(diff(added.replace("schema_version: 1", "schema_version: 3")).refusal())
                .isEmpty();
    }

    @Test
    void aLowerSchemaVersionIsRefused() {
        Path after = write("new.yaml", BASE);
        Contract before = contract("old", BASE.replace("schema_version: 1", "schema_version: 2"));

        ContractDiff diff = ContractDiff.compare(before, ContractLoader.load(after));

        assertThat(diff.changes()).isEmpty();
        assertThat(diff.refusal())
                .contains(
                        after
                                + ": schema_version went down from 2 to 1; versions only go up (use 2 or more)");
    }

    private ContractDiff diff(String after) {
        return ContractDiff.compare(contract("old", BASE), contract("new", after));
    }

    private Contract contract(String name, String yaml) {
        return ContractLoader.load(write(name + ".yaml", yaml));
    }

    private Path write(String name, String yaml) {
        return ConfFixture.write(dir.resolve(name), yaml);
    }

    private static Change only(ContractDiff diff) {
        assertThat(diff.changes()).hasSize(1);
        return diff.changes().get(0);
    }
}
