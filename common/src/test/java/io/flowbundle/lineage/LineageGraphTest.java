package io.flowbundle.lineage;

import static io.flowbundle.testing.RunEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbundle.FlowbundleException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream graphs traced from lineage logs made of real OpenLineage events. */
class LineageGraphTest {

    private static final Datasets.Id RAW = Datasets.kafka("127.0.0.1:9092", "sensor-events");
    private static final Datasets.Id STAGING =
            Datasets.file(Path.of("/lake/staging/sensor-events"));
    private static final Datasets.Id QUARANTINE =
            Datasets.file(Path.of("/lake/quarantine/sensor-hourly"));
    private static final Datasets.Id CURATED =
            Datasets.file(Path.of("/lake/curated/sensor-hourly"));
    private static final Datasets.Id PUBLISHED =
            Datasets.file(Path.of("/lake/published/sensor-daily"));

    private static final String LAND = "00000000-0000-7000-8000-000000000001";
    private static final String HOURLY = "00000000-0000-7000-8000-000000000002";
    private static final String DAILY = "00000000-0000-7000-8000-000000000003";

    /**
     * land: topic -> staging; sensor-hourly: staging -> curated (+ quarantine); sensor-daily:
     * curated -> published.
     */
    private static List<String> chain() {
        return List.of(
                event(
                        "START",
                        "land",
                        LAND,
                        "2026-11-02T00:00:00Z",
                        List.of(RAW),
                        List.of(STAGING)),
                event(
                        "COMPLETE",
                        "land",
                        LAND,
                        "2026-11-02T00:05:00Z",
                        List.of(RAW),
                        List.of(STAGING)),
                event(
                        "COMPLETE",
                        "sensor-hourly",
                        HOURLY,
                        "2026-11-02T01:00:00Z",
                        List.of(STAGING),
                        List.of(CURATED, QUARANTINE)),
                event(
                        "COMPLETE",
                        "sensor-daily",
                        DAILY,
                        "2026-11-02T02:00:00Z",
                        List.of(CURATED),
                        List.of(PUBLISHED)));
    }

    @Test
    void publishedTracesBackThroughCuratedAndStagingToTheRawTopic() {
        LineageGraph graph = LineageGraph.of(chain());

        String text = LineageGraph.format(graph.upstream(PUBLISHED), LineageGraph.Format.TEXT);

        assertThat(text)
                .isEqualTo(
                        "file:/lake/published/sensor-daily\n"
                                + "   <- job flowbundle/sensor-daily (run "
                                + DAILY
                                + ", completed 2026-11-02T02:00:00Z)\n"
                                + "      <- file:/lake/curated/sensor-hourly\n"
                                + "         <- job flowbundle/sensor-hourly (run "
                                + HOURLY
                                + ", completed 2026-11-02T01:00:00Z)\n"
                                + "            <- file:/lake/staging/sensor-events\n"
                                + "               <- job flowbundle/land (run "
                                + LAND
                                + ", completed 2026-11-02T00:05:00Z)\n"
                                + "                  <- kafka://127.0.0.1:9092:sensor-events  [raw source: no run wrote it]\n");
        assertThat(graph.skippedLines()).isZero();
        assertThat(graph.runs())
                .extracting(LineageGraph.Run::runId)
                .containsExactly(LAND, HOURLY, DAILY);
    }

    @Test
    void theLogIsMadeOfSchemaValidEvents() {
        // the graph is read from what transports write: keep the fixture honest
        assertThat(chain())
                .allSatisfy(line -> assertThat(OpenLineageSchemas.validate(line)).isEmpty());
    }

    @Test
    void aLogLineWithoutItsProducerIsNotSchemaValid() {
        // the check above can fail: the same line without a required field is rejected
        String line = chain().get(0);
        String broken = line.replaceFirst("\"producer\":\"[^\"]*\",?", "");

        assertThat(broken).isNotEqualTo(line);
        assertThat(OpenLineageSchemas.validate(broken))
                .anySatisfy(v -> assertThat(v.message()).contains("producer"));
    }

    @Test
    void theLatestCompleteRunOfAJobIsTheProducerNotALaterFailedOne() {
        String older = "00000000-0000-7000-8000-00000000000a";
        String newer = "00000000-0000-7000-8000-00000000000b";
        String failed = "00000000-0000-7000-8000-00000000000c";
        List<String> log = new ArrayList<>(chain());
        // the newer run's event is written first: order by event time, not by line
        log.add(
                event(
                        "COMPLETE",
                        "sensor-daily",
                        newer,
                        "2026-11-03T02:00:00Z",
                        List.of(CURATED),
                        List.of(PUBLISHED)));
        log.add(
                event(
                        "COMPLETE",
                        "sensor-daily",
                        older,
                        "2026-11-02T12:00:00Z",
                        List.of(CURATED),
                        List.of(PUBLISHED)));
        log.add(
                event(
                        "FAIL",
                        "sensor-daily",
                        failed,
                        "2026-11-04T02:00:00Z",
                        List.of(CURATED),
                        List.of(PUBLISHED)));

        LineageGraph graph = LineageGraph.of(log);

        assertThat(graph.producers(PUBLISHED))
                .extracting(LineageGraph.Run::runId)
                .containsExactly(newer);
    }

    @Test
    void everyJobThatWroteADatasetIsAProducerNewestFirst() {
        List<String> log = new ArrayList<>(chain());
        log.add(
                event(
                        "COMPLETE",
                        "replay",
                        "00000000-0000-7000-8000-00000000000d",
                        "2026-11-02T03:00:00Z",
                        List.of(RAW),
                        List.of(STAGING)));
        LineageGraph graph = LineageGraph.of(log);

        assertThat(graph.producers(STAGING))
                .extracting(LineageGraph.Run::job)
                .containsExactly("flowbundle/replay", "flowbundle/land");
        assertThat(graph.producers(RAW)).isEmpty();
        assertThat(graph.mentions(RAW)).isTrue();
        assertThat(graph.mentions(Datasets.file(Path.of("/elsewhere")))).isFalse();
    }

    @Test
    void aCycleIsFollowedOnce() {
        Datasets.Id x = Datasets.file(Path.of("/x"));
        Datasets.Id y = Datasets.file(Path.of("/y"));
        LineageGraph graph =
                LineageGraph.of(
                        List.of(
                                event(
                                        "COMPLETE",
                                        "a",
                                        LAND,
                                        "2026-11-02T00:00:00Z",
                                        List.of(x),
                                        List.of(y)),
                                event(
                                        "COMPLETE",
                                        "b",
                                        HOURLY,
                                        "2026-11-02T01:00:00Z",
                                        List.of(y),
                                        List.of(x))));

        LineageGraph.Node root = graph.upstream(y);

        String text = LineageGraph.format(root, LineageGraph.Format.TEXT);
        assertThat(text.lines())
                .hasSize(5)
                .last()
                .asString()
                .endsWith("<- file:/y  [cycle: already on this path]");
        assertThat(LineageGraph.format(root, LineageGraph.Format.DOT)).contains("d1 -> r2;");
    }

    @Test
    void aDatasetReachedTwiceIsTracedOnce() {
        Datasets.Id left = Datasets.file(Path.of("/left"));
        Datasets.Id right = Datasets.file(Path.of("/right"));
        Datasets.Id joined = Datasets.file(Path.of("/joined"));
        LineageGraph graph =
                LineageGraph.of(
                        List.of(
                                event(
                                        "COMPLETE",
                                        "split",
                                        LAND,
                                        "2026-11-02T00:00:00Z",
                                        List.of(RAW),
                                        List.of(left, right)),
                                event(
                                        "COMPLETE",
                                        "join",
                                        HOURLY,
                                        "2026-11-02T01:00:00Z",
                                        List.of(left, right),
                                        List.of(joined))));

        String text = LineageGraph.format(graph.upstream(joined), LineageGraph.Format.TEXT);

        // two datasets written by one run: the run and what it read are traced once
        assertThat(text)
                .containsOnlyOnce("sensor-events")
                .containsOnlyOnce("[traced above]")
                .contains(
                        "<- job flowbundle/split (run "
                                + LAND
                                + ", completed 2026-11-02T00:00:00Z)  [traced above]");
    }

    @Test
    void dotIsWellFormed() {
        String dot =
                LineageGraph.format(
                        LineageGraph.of(weirdNames()).upstream(PUBLISHED), LineageGraph.Format.DOT);

        List<String> lines = dot.lines().toList();
        assertThat(lines.get(0)).isEqualTo("digraph lineage {");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("}");
        Set<String> declared = new HashSet<>();
        Pattern node =
                Pattern.compile(
                        "  ([dr]\\d+) \\[shape=(box|cylinder|ellipse)(, style=bold)?, label=\"((?:[^\"\\\\]|\\\\.)*)\"\\];");
        Pattern edge = Pattern.compile("  ([dr]\\d+) -> ([dr]\\d+);");
        int edges = 0;
        for (String line : lines.subList(2, lines.size() - 1)) {
            Matcher asNode = node.matcher(line);
            Matcher asEdge = edge.matcher(line);
            if (asNode.matches()) {
                declared.add(asNode.group(1));
            } else {
                assertThat(asEdge.matches()).as("a node or an edge: %s", line).isTrue();
                assertThat(declared)
                        .as("edge between declared nodes: %s", line)
                        .contains(asEdge.group(1), asEdge.group(2));
                edges++;
            }
        }
        assertThat(edges)
                .as("7 data-flow edges; the quarantine is no part of the upstream")
                .isEqualTo(7);
        assertThat(dot)
                .contains("[shape=cylinder, label=\"kafka://127.0.0.1:9092:sensor-events\"]")
                .contains("label=\"file:/lake/we\\\"ird\\\\<name>\"");
    }

    @Test
    void mermaidIsWellFormed() {
        String mermaid =
                LineageGraph.format(
                        LineageGraph.of(weirdNames()).upstream(PUBLISHED),
                        LineageGraph.Format.MERMAID);

        List<String> lines = mermaid.lines().toList();
        assertThat(lines.get(0)).isEqualTo("flowchart LR");
        Set<String> declared = new HashSet<>();
        Pattern node =
                Pattern.compile(
                        "  ([dr]\\d+)(\\[\"[^\"]*\"\\]|\\[\\(\"[^\"]*\"\\)\\]|\\(\\[\"[^\"]*\"\\]\\))");
        Pattern edge = Pattern.compile("  ([dr]\\d+) --> ([dr]\\d+)");
        Pattern style = Pattern.compile("  style ([dr]\\d+) stroke-width:3px");
        int edges = 0;
        for (String line : lines.subList(1, lines.size())) {
            Matcher asNode = node.matcher(line);
            Matcher asEdge = edge.matcher(line);
            Matcher asStyle = style.matcher(line);
            if (asNode.matches()) {
                declared.add(asNode.group(1));
            } else if (asEdge.matches()) {
                assertThat(declared).contains(asEdge.group(1), asEdge.group(2));
                edges++;
            } else {
                assertThat(asStyle.matches()).as("node, edge or style: %s", line).isTrue();
                assertThat(declared).contains(asStyle.group(1));
            }
        }
        assertThat(edges)
                .as("7 data-flow edges; the quarantine is no part of the upstream")
                .isEqualTo(7);
        assertThat(mermaid)
                .contains("[(\"kafka://127.0.0.1:9092:sensor-events\")]")
                .contains("we#quot;ird\\#lt;name#gt;");
    }

    @Test
    void linesThatAreNotEventsAreSkippedAndCounted() {
        List<String> log = new ArrayList<>(chain());
        log.add(2, "");
        log.add("{\"eventType\": \"COMPLETE\", \"run\": {\"runId\": \"torn");

        LineageGraph graph = LineageGraph.of(log);

        assertThat(graph.skippedLines()).isEqualTo(1);
        assertThat(graph.runs()).hasSize(3);
    }

    @Test
    void aMissingLogIsAnErrorNamingTheFileAndWhatToDo(@TempDir Path dir) {
        Path missing = dir.resolve("lineage.jsonl");

        assertThatThrownBy(() -> LineageGraph.read(missing))
                .isInstanceOf(FlowbundleException.class)
                .hasMessageStartingWith(missing.toString())
                .hasMessageContaining("--log");
    }

    /** The chain with a staging folder whose name needs escaping in both diagram languages. */
    private static List<String> weirdNames() {
        Datasets.Id weird = Datasets.file(Path.of("/lake/we\"ird\\<name>"));
        return List.of(
                event(
                        "COMPLETE",
                        "land",
                        LAND,
                        "2026-11-02T00:05:00Z",
                        List.of(RAW),
                        List.of(weird)),
                event(
                        "COMPLETE",
                        "sensor-hourly",
                        HOURLY,
                        "2026-11-02T01:00:00Z",
                        List.of(weird),
                        List.of(CURATED, QUARANTINE)),
                event(
                        "COMPLETE",
                        "sensor-daily",
                        DAILY,
                        "2026-11-02T02:00:00Z",
                        List.of(CURATED, RAW),
                        List.of(PUBLISHED)));
    }
}
