package io.flowbundle.spec;

import io.flowbundle.config.RuntimeConfig;
import io.flowbundle.connector.Preflight;
import io.flowbundle.connector.Role;
import io.flowbundle.contract.Contract;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pipeline declared once and run in either mode: the input contract, the source, the event-time
 * column, optional dedupe, the SQL transform over the view {@code events}, the sinks, and where
 * rejected records go. A batch spec and a streaming spec of one pipeline differ only in source and
 * sinks. Built with {@link #builder()}.
 *
 * @param allowedLateness how long after the watermark bound an event may still arrive; windows fire
 *     once, after {@code maxOutOfOrderness + allowedLateness} (see docs/ARCHITECTURE.md)
 * @param staging the staging (landing, bronze) layer: valid input rows as they arrived, before
 *     dedupe and transform, partitioned by event date; null when the pipeline keeps none
 */
public record PipelineSpec(
        String name,
        Path file,
        Contract contract,
        SourceSpec source,
        String eventTime,
        Watermark watermark,
        Duration allowedLateness,
        Dedupe dedupe,
        String transform,
        Contract outputContract,
        List<SinkSpec> sinks,
        SinkSpec quarantine,
        SinkSpec staging,
        String view,
        List<Input> otherInputs)
        implements Serializable {

    /** The view of the single-source form ({@code contract:} + {@code source:}). */
    public static final String EVENTS_VIEW = "events";

    public PipelineSpec {
        sinks = List.copyOf(sinks);
        otherInputs = List.copyOf(otherInputs);
    }

    /** What an input is to the transform (see docs/ARCHITECTURE.md, "Several inputs"). */
    public enum InputRole {
        /** Facts with an event time; the first one is the pipeline's main input. */
        EVENT,
        /** Reference data (a device registry) the events are joined with; event time optional. */
        DIMENSION;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One input of the pipeline, read by the SQL as the view {@code view}, governed by its own
     * contract: validated, quarantined, deduped and counted on its own.
     *
     * @param key the spec key that declares it ({@code inputs.devices}; empty for the single-source
     *     form), for error messages
     * @param eventTime null for a dimension without one
     * @param quarantine where its rejected records go, or null for the spec's {@code quarantine}
     * @param staging its staging layer, or null
     */
    public record Input(
            String view,
            InputRole role,
            String key,
            Contract contract,
            SourceSpec source,
            String eventTime,
            Watermark watermark,
            Dedupe dedupe,
            SinkSpec quarantine,
            SinkSpec staging)
            implements Serializable {

        /**
         * The spec key of a setting of this input: {@code source} or {@code inputs.devices.source}.
         */
        public String keyOf(String setting) {
            return key.isEmpty() ? setting : key + "." + setting;
        }

        Input with(SourceSpec newSource, SinkSpec newQuarantine, SinkSpec newStaging) {
            return new Input(
                    view,
                    role,
                    key,
                    contract,
                    newSource,
                    eventTime,
                    watermark,
                    dedupe,
                    newQuarantine,
                    newStaging);
        }
    }

    /** The main input: the single source, or the first event input of {@code inputs:}. */
    public Input mainInput() {
        return new Input(
                view,
                InputRole.EVENT,
                otherInputs.isEmpty() && view.equals(EVENTS_VIEW) ? "" : "inputs." + view,
                contract,
                source,
                eventTime,
                watermark,
                dedupe,
                null,
                staging);
    }

    /** Where the rejected records of {@code input} go: its own quarantine, or the spec's. */
    public SinkSpec quarantineOf(Input input) {
        return input.quarantine() == null ? quarantine : input.quarantine();
    }

    /** Every input, the main one first, then the others in spec order. */
    public List<Input> inputs() {
        List<Input> out = new ArrayList<>();
        out.add(mainInput());
        out.addAll(otherInputs);
        return out;
    }

    /** Whether the pipeline reads more than its main input. */
    public boolean joins() {
        return !otherInputs.isEmpty();
    }

    /**
     * This spec as seen by one input: {@code input} in the place of the main one and no others, so
     * a connector plans that input's source with the code it plans any source with.
     */
    public PipelineSpec forInput(Input input) {
        return toBuilder()
                .contract(input.contract())
                .source(input.source())
                .eventTime(input.eventTime())
                .watermark(input.watermark())
                .dedupe(input.dedupe())
                .quarantine(quarantineOf(input))
                .staging(input.staging())
                .view(input.view())
                .otherInputs(List.of())
                .build();
    }

    /**
     * How far events may be out of order, and when an idle Kafka partition stops holding back the
     * watermark (null: never).
     */
    public record Watermark(Duration maxOutOfOrderness, Duration idleTimeout)
            implements Serializable {}

    /**
     * Drop repeated records with the same key, remembering a key for {@code retention} of event
     * time after the first copy.
     */
    public record Dedupe(List<String> key, Duration retention) implements Serializable {
        public Dedupe {
            key = List.copyOf(key);
        }
    }

    /**
     * A sink of the spec with the key that declares it and its role.
     *
     * @param index the position among the spec's {@code sink} entries (0 for other roles)
     * @param input the view of the input whose own quarantine or staging layer this is, or null
     */
    public record DeclaredSink(String key, Role role, int index, SinkSpec sink, String input) {

        public DeclaredSink(String key, Role role, int index, SinkSpec sink) {
            this(key, role, index, sink, null);
        }

        /**
         * The dataset's name in audit and lineage: output, output-1, ..., quarantine, staging, and
         * quarantine-VIEW, staging-VIEW for an input's own.
         */
        public String dataset() {
            if (role != Role.SINK) {
                return input == null ? role.key() : role.key() + "-" + input;
            }
            return index == 0 ? "output" : "output-" + index;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's settings, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder()
                .name(name)
                .file(file)
                .contract(contract)
                .source(source)
                .eventTime(eventTime)
                .watermark(watermark)
                .allowedLateness(allowedLateness)
                .dedupe(dedupe)
                .transform(transform)
                .outputContract(outputContract)
                .sinks(sinks)
                .quarantine(quarantine)
                .staging(staging)
                .view(view)
                .otherInputs(otherInputs);
    }

    public Optional<Dedupe> dedupeSpec() {
        return Optional.ofNullable(dedupe);
    }

    public Optional<Contract> outputContractSpec() {
        return Optional.ofNullable(outputContract);
    }

    public Optional<SinkSpec> stagingSpec() {
        return Optional.ofNullable(staging);
    }

    /** How long after an event's time its window may still wait for it. */
    public Duration lateness() {
        return watermark.maxOutOfOrderness().plus(allowedLateness);
    }

    /** The spec key of sink {@code index}: {@code sink} when there is one, else {@code sink[i]}. */
    public String sinkKey(int index) {
        return sinks.size() == 1 ? Role.SINK.key() : Role.SINK.key() + "[" + index + "]";
    }

    /** Every sink, quarantine and staging layer, in spec order, with the key that declares it. */
    public List<DeclaredSink> declaredSinks() {
        List<DeclaredSink> out = new ArrayList<>();
        for (int i = 0; i < sinks.size(); i++) {
            out.add(new DeclaredSink(sinkKey(i), Role.SINK, i, sinks.get(i)));
        }
        out.add(new DeclaredSink(Role.QUARANTINE.key(), Role.QUARANTINE, 0, quarantine));
        if (staging != null) {
            out.add(new DeclaredSink(Role.STAGING.key(), Role.STAGING, 0, staging));
        }
        for (Input input : otherInputs) {
            if (input.quarantine() != null) {
                out.add(
                        new DeclaredSink(
                                input.keyOf(Role.QUARANTINE.key()),
                                Role.QUARANTINE,
                                0,
                                input.quarantine(),
                                input.view()));
            }
            if (input.staging() != null) {
                out.add(
                        new DeclaredSink(
                                input.keyOf(Role.STAGING.key()),
                                Role.STAGING,
                                0,
                                input.staging(),
                                input.view()));
            }
        }
        return out;
    }

    /**
     * The client properties of every connector by spec key ({@code source.properties.KEY}, {@code
     * sink[1].properties.KEY}, ...), unmasked: mask before recording.
     */
    public Map<String, String> clientProperties() {
        Map<String, String> out = new TreeMap<>();
        source.clientProperties()
                .forEach((k, v) -> out.put(Role.SOURCE.key() + ".properties." + k, v));
        for (Input input : otherInputs) {
            input.source()
                    .clientProperties()
                    .forEach(
                            (k, v) ->
                                    out.put(
                                            input.keyOf(Role.SOURCE.key()) + ".properties." + k,
                                            v));
        }
        for (DeclaredSink declared : declaredSinks()) {
            declared.sink()
                    .clientProperties()
                    .forEach((k, v) -> out.put(declared.key() + ".properties." + k, v));
        }
        return out;
    }

    /** What the spec's connectors check before a job is built, source first. */
    public Preflight preflight(Duration timeout) {
        Preflight preflight = new Preflight(timeout);
        source.preflight(preflight, mainInput().keyOf(Role.SOURCE.key()));
        for (Input input : otherInputs) {
            input.source().preflight(preflight, input.keyOf(Role.SOURCE.key()));
        }
        for (DeclaredSink declared : declaredSinks()) {
            declared.sink().preflight(preflight, declared.key());
        }
        return preflight;
    }

    /**
     * This spec with connector option {@code key} set to {@code value} in every source and sink
     * that has the option (e.g. {@code bootstrap}, from {@code flowbundle stream --bootstrap}).
     */
    public PipelineSpec withConnectorOption(String key, String value) {
        List<SinkSpec> newSinks = new ArrayList<>();
        for (SinkSpec sink : sinks) {
            newSinks.add(sink.withOption(key, value));
        }
        List<Input> newInputs = new ArrayList<>();
        for (Input input : otherInputs) {
            newInputs.add(
                    input.with(
                            input.source().withOption(key, value),
                            input.quarantine() == null
                                    ? null
                                    : input.quarantine().withOption(key, value),
                            input.staging() == null
                                    ? null
                                    : input.staging().withOption(key, value)));
        }
        return toBuilder()
                .source(source.withOption(key, value))
                .sinks(newSinks)
                .quarantine(quarantine.withOption(key, value))
                .staging(staging == null ? null : staging.withOption(key, value))
                .otherInputs(newInputs)
                .build();
    }

    /**
     * This spec with the run configuration's connector defaults applied to every source and sink.
     */
    public PipelineSpec withDefaults(RuntimeConfig config) {
        List<SinkSpec> newSinks = new ArrayList<>();
        for (SinkSpec sink : sinks) {
            newSinks.add(sink.withDefaults(config));
        }
        List<Input> newInputs = new ArrayList<>();
        for (Input input : otherInputs) {
            newInputs.add(
                    input.with(
                            input.source().withDefaults(config),
                            input.quarantine() == null
                                    ? null
                                    : input.quarantine().withDefaults(config),
                            input.staging() == null ? null : input.staging().withDefaults(config)));
        }
        return toBuilder()
                .source(source.withDefaults(config))
                .sinks(newSinks)
                .quarantine(quarantine.withDefaults(config))
                .staging(staging == null ? null : staging.withDefaults(config))
                .otherInputs(newInputs)
                .build();
    }

    /** Builds a {@link PipelineSpec}; {@link #build} names a missing setting. */
    public static final class Builder {
        private String name;
        private Path file;
        private Contract contract;
        private SourceSpec source;
        private String eventTime;
        private Watermark watermark = new Watermark(Duration.ZERO, null);
        private Duration allowedLateness = Duration.ZERO;
        private Dedupe dedupe;
        private String transform;
        private Contract outputContract;
        private List<SinkSpec> sinks = List.of();
        private SinkSpec quarantine;
        private SinkSpec staging;
        private String view = EVENTS_VIEW;
        private List<Input> otherInputs = List.of();

        private Builder() {}

        /** The view the SQL reads the main input as ({@code events} unless {@code inputs:}). */
        public Builder view(String view) {
            this.view = view;
            return this;
        }

        /** The inputs besides the main one. */
        public Builder otherInputs(List<Input> otherInputs) {
            this.otherInputs = List.copyOf(otherInputs);
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder file(Path file) {
            this.file = file;
            return this;
        }

        public Builder contract(Contract contract) {
            this.contract = contract;
            return this;
        }

        public Builder source(SourceSpec source) {
            this.source = source;
            return this;
        }

        public Builder eventTime(String eventTime) {
            this.eventTime = eventTime;
            return this;
        }

        public Builder watermark(Watermark watermark) {
            this.watermark = watermark;
            return this;
        }

        public Builder allowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        public Builder dedupe(Dedupe dedupe) {
            this.dedupe = dedupe;
            return this;
        }

        public Builder transform(String transform) {
            this.transform = transform;
            return this;
        }

        public Builder outputContract(Contract outputContract) {
            this.outputContract = outputContract;
            return this;
        }

        public Builder sinks(List<SinkSpec> sinks) {
            this.sinks = List.copyOf(sinks);
            return this;
        }

        public Builder quarantine(SinkSpec quarantine) {
            this.quarantine = quarantine;
            return this;
        }

        public Builder staging(SinkSpec staging) {
            this.staging = staging;
            return this;
        }

        public PipelineSpec build() {
            Objects.requireNonNull(name, "name is not set");
            Objects.requireNonNull(file, "file is not set");
            Objects.requireNonNull(contract, "contract is not set");
            Objects.requireNonNull(source, "source is not set");
            // null only for a dimension seen on its own (forInput)
            if (eventTime == null && otherInputs.isEmpty() && view.equals(EVENTS_VIEW)) {
                throw new NullPointerException("eventTime is not set");
            }
            Objects.requireNonNull(transform, "transform is not set");
            Objects.requireNonNull(quarantine, "quarantine is not set");
            if (sinks.isEmpty()) {
                throw new IllegalStateException("sinks are not set: a pipeline needs at least one");
            }
            return new PipelineSpec(
                    name,
                    file,
                    contract,
                    source,
                    eventTime,
                    watermark,
                    allowedLateness,
                    dedupe,
                    transform,
                    outputContract,
                    sinks,
                    quarantine,
                    staging,
                    view,
                    otherInputs);
        }
    }
}
