package io.flowbundle.config;

import static io.flowbundle.testing.ConfigErrors.expectConfigError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowbundle.testing.ConfFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigNodeTest {

    @TempDir Path dir;

    private Path yaml(String text) {
        return ConfFixture.write(dir.resolve("settings/test.yaml"), text);
    }

    private ConfigNode load(String text) {
        return ConfigNode.load(yaml(text));
    }

    @Test
    void readsScalarsOfEveryKind() {
        ConfigNode root =
                load(
                        """
                        name: sensor-hourly
                        count: 42
                        count_as_text: "42"
                        ratio: 0.25
                        enabled: true
                        enabled_as_text: "FALSE"
                        window: 5min
                        start: Earliest
                        """);

        assertThat(root.text("name")).isEqualTo("sensor-hourly");
        assertThat(root.get("count").longValue()).isEqualTo(42L);
        assertThat(root.get("count_as_text").intValue()).isEqualTo(42);
        assertThat(root.get("ratio").doubleValue()).isEqualTo(0.25);
        assertThat(root.get("enabled").booleanValue()).isTrue();
        assertThat(root.get("enabled_as_text").booleanValue()).isFalse();
        assertThat(root.get("window").duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(root.get("start").choice("earliest", "latest")).isEqualTo("earliest");
    }

    @Test
    void absentOrNullKeysTakeTheDefault() {
        ConfigNode root =
                load(
                        """
                        description: ~
                        """);

        assertThat(root.has("description")).isFalse();
        assertThat(root.has("owner")).isFalse();
        assertThat(root.text("description", "none")).isEqualTo("none");
        assertThat(root.intValue("parallelism", 2)).isEqualTo(2);
        assertThat(root.booleanValue("required", false)).isFalse();
        assertThat(root.duration("retention", Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThat(root.find("owner")).isEmpty();
    }

    @Test
    void aSingleValueReadsAsAListOfOne() {
        ConfigNode root =
                load(
                        """
                        one: id
                        many: [device_id, window_start]
                        """);

        assertThat(root.get("one").textList()).containsExactly("id");
        assertThat(root.get("many").textList()).containsExactly("device_id", "window_start");
    }

    @Test
    void entriesKeepTheOrderOfTheFile() {
        ConfigNode root =
                load(
                        """
                        flink:
                          zeta: 1
                          alpha: 2
                          mid: 3
                        """);

        assertThat(root.get("flink").entries())
                .extracting(Map.Entry::getKey)
                .containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void keyPathsNameNestedKeysAndListIndexes() {
        Path file =
                yaml(
                        """
                        sink:
                          - {type: kafka, topic: a}
                          - {type: parquet, partition_by: [date]}
                        """);
        ConfigNode second = ConfigNode.load(file).get("sink").elements().get(1);

        assertThat(second.keyPath()).isEqualTo("sink[1]");
        assertThat(second.get("partition_by").elements().get(0).keyPath())
                .isEqualTo("sink[1].partition_by[0]");
        expectConfigError(() -> second.get("path"), file, "sink[1].path: required key is missing");
    }

    @Test
    void topLevelKeyPathHasAReadableName() {
        assertThat(load("a: 1").keyPath()).isEqualTo("(top level)");
    }

    @Test
    void missingRequiredKeyNamesFileAndKey() {
        Path file = yaml("source: {type: parquet}");

        expectConfigError(
                () -> ConfigNode.load(file).get("source").get("path"),
                file,
                "source.path: required key is missing");
    }

    @Test
    void wrongTypesNameFileKeyAndValue() {
        Path file =
                yaml(
                        """
                        schema_version: one
                        required: maybe
                        min: warm
                        columns: {name: id}
                        name: [a, b]
                        owner: ""
                        source: parquet
                        """);
        ConfigNode root = ConfigNode.load(file);

        expectConfigError(
                () -> root.get("schema_version").intValue(),
                file,
                "schema_version: expected a whole number, got 'one'");
        expectConfigError(
                () -> root.get("required").booleanValue(),
                file,
                "required: expected true or false, got 'maybe'");
        expectConfigError(
                () -> root.get("min").doubleValue(), file, "min: expected a number, got 'warm'");
        expectConfigError(
                () -> root.get("columns").elements(),
                file,
                "columns: expected a list, got a mapping");
        expectConfigError(
                () -> root.get("name").text(), file, "name: expected a value, got a list");
        expectConfigError(() -> root.get("owner").text(), file, "owner: must not be empty");
        expectConfigError(
                () -> root.get("source").get("type"),
                file,
                "source: expected a mapping of keys, got 'parquet'");
    }

    @Test
    void intValueOutOfRangeIsAnError() {
        Path file = yaml("parallelism: 9999999999");

        expectConfigError(
                () -> ConfigNode.load(file).get("parallelism").intValue(),
                file,
                "parallelism: 9999999999 is out of range");
    }

    @Test
    void choiceListsTheChoices() {
        Path file = yaml("start: newest");

        expectConfigError(
                () -> ConfigNode.load(file).get("start").choice("earliest", "committed", "latest"),
                file,
                "start: expected one of earliest, committed, latest, got 'newest'");
    }

    @Test
    void unknownKeySuggestsTheClosestKnownKey() {
        Path file = yaml("sink: {type: parquet, partiton_by: [date]}");

        String message =
                expectConfigError(
                        () ->
                                ConfigNode.load(file)
                                        .get("sink")
                                        .allowOnly("type", "path", "partition_by", "compression"),
                        file,
                        "unknown key 'partiton_by' in sink",
                        "(did you mean 'partition_by'?)",
                        "known keys: type, path, partition_by, compression");
        assertThat(message).containsOnlyOnce("did you mean");
    }

    @Test
    void unknownKeyFarFromEveryKnownKeyGetsNoSuggestion() {
        Path file = yaml("colour: red");

        String message =
                expectConfigError(
                        () -> ConfigNode.load(file).allowOnly("name", "columns"),
                        file,
                        "unknown key 'colour'",
                        "known keys: name, columns");
        assertThat(message).doesNotContain("did you mean").doesNotContain(" in ");
    }

    @Test
    void badDurationNamesKeyAndTheExpectedForms() {
        Path file = yaml("watermark: {max_out_of_orderness: ten seconds}");

        expectConfigError(
                () -> ConfigNode.load(file).get("watermark").get("max_out_of_orderness").duration(),
                file,
                "watermark.max_out_of_orderness: expected a duration such as 250ms, 10s, 5min, 1h"
                        + " or 7d, got 'ten seconds'");
    }

    @Test
    void durationWithoutUnitIsAnError() {
        Path file = yaml("retention: 3600");

        expectConfigError(
                () -> ConfigNode.load(file).get("retention").duration(),
                file,
                "retention: expected a duration",
                "got '3600'");
    }

    @Test
    void hugeDurationIsAConfigError() {
        Path file = yaml("retention: 999999999999999d");

        expectConfigError(
                () -> ConfigNode.load(file).get("retention").duration(),
                file,
                "retention: '999999999999999d' is too long for a duration; the longest is"
                        + " 106751991167d");
    }

    @Test
    void relativePathsResolveAgainstTheFilesFolderNotTheWorkingDirectory() {
        ConfigNode root =
                load(
                        """
                        here: data/events
                        up: ../out/./audit/../audit/audit.jsonl
                        absolute: /var/lib/flowbundle/../flowbundle/x
                        """);
        Path folder = dir.resolve("settings").toAbsolutePath();

        assertThat(root.baseDir()).isEqualTo(folder);
        assertThat(root.get("here").path()).isEqualTo(folder.resolve("data/events"));
        assertThat(root.get("up").path())
                .isEqualTo(dir.toAbsolutePath().resolve("out/audit/audit.jsonl"));
        assertThat(root.get("absolute").path()).isEqualTo(Path.of("/var/lib/flowbundle/x"));
    }

    @Test
    void fileIsKeptAbsoluteAndNormalized() {
        yaml("a: 1");
        Path roundabout = dir.resolve("settings/../settings/test.yaml");

        assertThat(ConfigNode.load(roundabout).file())
                .isEqualTo(dir.resolve("settings/test.yaml").toAbsolutePath().normalize());
    }

    @Test
    void missingFileIsAOneLineError() {
        Path missing = dir.resolve("nowhere/spec.yaml").toAbsolutePath();

        expectConfigError(() -> ConfigNode.load(missing), missing, "file not found");
    }

    @Test
    void invalidYamlNamesTheLine() {
        String text =
                """
                name: sensor_events
                owner: data-platform
                  oops: nested under a scalar
                retention_days: 30
                """;
        Path file = yaml(text);
        int brokenLine = lineOf(text, "oops:");

        assertThatThrownBy(() -> ConfigNode.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("(line " + brokenLine + ")")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void invalidYamlIsAOneLineError() {
        Path file =
                yaml(
                        """
                        name: sensor_events
                        columns: [id, type
                        owner: data-platform
                        """);

        expectConfigError(
                () -> ConfigNode.load(file),
                file,
                " (line 3): not valid YAML: while parsing a flow sequence: expected ',' or ']'");
    }

    @Test
    void invalidYamlKeepsTheParsersAdvice() {
        Path file = yaml("name: sensor_events\n\towner: data-platform\n");

        expectConfigError(
                () -> ConfigNode.load(file),
                file,
                " (line 2): not valid YAML: ",
                "Do not use \\t(TAB) for indentation");
    }

    @Test
    void topLevelMustBeAMapping() {
        Path list = yaml("- a\n- b\n");
        expectConfigError(
                () -> ConfigNode.load(list), list, "expected a YAML mapping of keys at the top");

        Path empty = yaml("");
        expectConfigError(
                () -> ConfigNode.load(empty), empty, "expected a YAML mapping of keys at the top");
    }

    @Test
    void duplicateKeyIsAnError() {
        Path file =
                yaml(
                        """
                        name: sensor_events
                        owner: data-platform
                        name: sensor_hourly
                        """);

        expectConfigError(
                () -> ConfigNode.load(file),
                file,
                " (line 3): key 'name' is written twice in one mapping; keep one of them");
    }

    @Test
    void duplicateNestedKeyIsNamedByItsPath() {
        Path file =
                yaml(
                        """
                        sink:
                          type: parquet
                          partition_by: [window_date]
                        columns:
                          - {name: id, type: string}
                          - name: device_id
                            type: string
                            type: int
                        """);

        expectConfigError(
                () -> ConfigNode.load(file),
                file,
                " (line 8): key 'columns[1].type' is written twice in one mapping");
    }

    @Test
    void theSameKeyInDifferentMappingsIsFine() {
        ConfigNode root = load("source: {type: kafka}\nsink: {type: parquet}\n");

        assertThat(root.get("source").text("type")).isEqualTo("kafka");
        assertThat(root.get("sink").text("type")).isEqualTo("parquet");
    }

    @Test
    void treesNotFromAFileNameTheirOrigin() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("type", "parquet");
        Path origin = Path.of("--sink flag");

        assertThatThrownBy(() -> ConfigNode.of(tree, origin).get("path"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--sink flag: path: required key is missing");
    }

    @Test
    void errorsAreFlowbundleExceptionsForTheCli() {
        Path file = yaml("a: 1");
        assertThatThrownBy(() -> ConfigNode.load(file).get("b"))
                .isInstanceOf(io.flowbundle.FlowbundleException.class);
    }

    @Test
    void listOfScalarsReadsEveryElement() {
        ConfigNode root = load("keys: [a, 2, true]");
        List<ConfigNode> elements = root.get("keys").elements();

        assertThat(elements).extracting(ConfigNode::text).containsExactly("a", "2", "true");
        assertThat(elements)
                .extracting(ConfigNode::keyPath)
                .containsExactly("keys[0]", "keys[1]", "keys[2]");
    }

    private static int lineOf(String text, String fragment) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(fragment)) {
                return i + 1;
            }
        }
        throw new AssertionError(fragment + " not in text");
    }
}
