package io.flowbundle.spec;

import io.flowbundle.contract.Contract;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline declared once and run in either mode: the input contract, the source, the event-time
 * column, optional dedupe, the SQL transform over the view {@code events}, the sinks, and where
 * rejected records go. A batch spec and a streaming spec of one pipeline differ only in source and
 * sinks.
 *
 * @param allowedLateness how long after the watermark bound an event may still arrive; windows
 *     fire once, after {@code maxOutOfOrderness + allowedLateness} (see docs/ARCHITECTURE.md)
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
        SinkSpec.Parquet staging)
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

    public Optional<Dedupe> dedupeSpec() {
        return Optional.ofNullable(dedupe);
    }

    public Optional<Contract> outputContractSpec() {
        return Optional.ofNullable(outputContract);
    }

    public Optional<SinkSpec.Parquet> stagingSpec() {
        return Optional.ofNullable(staging);
    }

    /** How long after an event's time its window may still wait for it. */
    public Duration lateness() {
        return watermark.maxOutOfOrderness().plus(allowedLateness);
    }

    public PipelineSpec withSource(SourceSpec newSource) {
        return new PipelineSpec(
                name, file, contract, newSource, eventTime, watermark, allowedLateness, dedupe,
                transform, outputContract, sinks, quarantine, staging);
    }

    public PipelineSpec withSinks(List<SinkSpec> newSinks, SinkSpec newQuarantine) {
        return new PipelineSpec(
                name, file, contract, source, eventTime, watermark, allowedLateness, dedupe,
                transform, outputContract, newSinks, newQuarantine, staging);
    }
}
