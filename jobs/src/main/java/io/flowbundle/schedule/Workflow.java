package io.flowbundle.schedule;

import io.flowbundle.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bounded pipelines run in order for a logical date, each step after the steps it depends on.
 *
 * <pre>
 * name: sensor-daily
 * retries: {max_attempts: 3, initial_backoff: 10s, multiplier: 2, max_backoff: 5min}
 * steps:
 *   - {name: curate, pipeline: ../pipelines/sensor-hourly.yaml}
 *   - {name: publish, pipeline: ../pipelines/sensor-daily.yaml, after: [curate]}
 * </pre>
 *
 * A step without {@code after} runs after the step listed before it.
 */
public record Workflow(String name, List<Step> steps, RetryPolicy retries) {

    /** One step: a pipeline spec, and the steps that must succeed first. */
    public record Step(String name, Path pipeline, List<String> after) {}

    /** A workflow of one step, for {@code run-schedule --pipeline}. */
    public static Workflow ofPipeline(String name, Path pipeline, RetryPolicy retries) {
        return new Workflow(name, List.of(new Step(name, pipeline, List.of())), retries);
    }

    public static Workflow load(Path file, RetryPolicy base) {
        ConfigNode root = ConfigNode.load(file);
        root.allowOnly("name", "description", "retries", "steps");
        RetryPolicy retries =
                root.find("retries").map(node -> RetryPolicy.parse(node, base)).orElse(base);
        List<Step> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String previous = null;
        for (ConfigNode node : root.get("steps").elements()) {
            node.allowOnly("name", "pipeline", "after");
            String name = node.text("name");
            if (!names.add(name)) {
                throw node.error(node.keyPath() + ": step '" + name + "' is declared twice");
            }
            Path pipeline = node.get("pipeline").path();
            if (!Files.isRegularFile(pipeline)) {
                throw node.error(node.keyPath() + ".pipeline: " + pipeline + " does not exist");
            }
            List<String> after =
                    node.has("after")
                            ? node.get("after").textList()
                            : (previous == null ? List.of() : List.of(previous));
            steps.add(new Step(name, pipeline, after));
            previous = name;
        }
        for (Step step : steps) {
            for (String dependency : step.after()) {
                if (!names.contains(dependency)) {
                    throw root.error(
                            "steps: '"
                                    + step.name()
                                    + "' runs after unknown step '"
                                    + dependency
                                    + "'");
                }
            }
        }
        Workflow workflow = new Workflow(root.text("name"), List.copyOf(steps), retries);
        workflow.order(); // fails on a cycle
        return workflow;
    }

    /** The steps in an order that respects every dependency (file order where free). */
    public List<Step> order() {
        Map<String, Step> byName = new LinkedHashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (Step step : steps) {
            byName.put(step.name(), step);
            waiting.put(step.name(), step.after().size());
            for (String dependency : step.after()) {
                dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(step.name());
            }
        }
        Deque<String> ready = new ArrayDeque<>();
        for (Step step : steps) {
            if (step.after().isEmpty()) {
                ready.add(step.name());
            }
        }
        List<Step> ordered = new ArrayList<>();
        while (!ready.isEmpty()) {
            String next = ready.poll();
            ordered.add(byName.get(next));
            for (String dependent : dependents.getOrDefault(next, List.of())) {
                if (waiting.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() != steps.size()) {
            throw new IllegalArgumentException(
                    "workflow " + name + ": its steps depend on each other in a cycle");
        }
        return ordered;
    }
}
