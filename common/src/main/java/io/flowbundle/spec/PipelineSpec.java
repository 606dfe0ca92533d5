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
        SinkSpec staging)
        implements Serializable {

    public PipelineSpec {
        sinks = List.copyOf(sinks);
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
     */
    public record DeclaredSink(String key, Role role, int index, SinkSpec sink) {
        /** The dataset's name in audit and lineage: output, output-1, ..., quarantine, staging. */
        public String dataset() {
            if (role != Role.SINK) {
                return role.key();
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
                .staging(staging);
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
        source.preflight(preflight, Role.SOURCE.key());
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
        return toBuilder()
                .source(source.withOption(key, value))
                .sinks(newSinks)
                .quarantine(quarantine.withOption(key, value))
                .staging(staging == null ? null : staging.withOption(key, value))
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
        return toBuilder()
                .source(source.withDefaults(config))
                .sinks(newSinks)
                .quarantine(quarantine.withDefaults(config))
                .staging(staging == null ? null : staging.withDefaults(config))
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

        private Builder() {}

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
            Objects.requireNonNull(eventTime, "eventTime is not set");
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
                    staging);
        }
    }
}
