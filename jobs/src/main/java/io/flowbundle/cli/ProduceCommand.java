package io.flowbundle.cli;

import io.flowbundle.UsageException;
import io.flowbundle.config.Secrets;
import io.flowbundle.kafka.EventProducer;
import io.flowbundle.kafka.KafkaPreflight;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowbundle produce}: sample events (or a JSON Lines file) into a Kafka topic. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Produce sensor events into a Kafka topic.",
            "",
            "Keyed by device_id: generated ones (with the generator's duplicates, invalid and late",
            "events) or the lines of a JSON Lines file as is.",
            "",
            "Example: flowbundle produce --topic sensor-events --generate 100000 --rate 5000"
        })
final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--topic", required = true, description = "Topic to write to.")
    String topic;

    @Option(
            names = "--bootstrap",
            defaultValue = "127.0.0.1:9092",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--generate", paramLabel = "N", description = "Generate N sample events.")
        Long generate;

        @Option(
                names = "--file",
                paramLabel = "FILE",
                description = "Replay a JSON Lines file, one record per line.")
        Path file;
    }

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            description = "Limit the rate (default: as fast as possible).")
    Double rate;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            paramLabel = "N",
            description =
                    "Partitions of the topic if it has to be created (default: ${DEFAULT-VALUE}); an existing topic is used as it is.")
    int partitions;

    @Option(
            names = "--property",
            paramLabel = "KEY=VALUE",
            description = {
                "A Kafka client property, e.g. --property security.protocol=SASL_PLAINTEXT (repeatable;",
                "on top of kafka.properties of --config). Keep secrets in the config file as",
                "${env:NAME} or ${file:PATH} references, not on the command line."
            })
    Map<String, String> properties = new LinkedHashMap<>();

    @Mixin GeneratorOptions generator;

    @Mixin ConfigOption config;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) {
            throw new UsageException("--partitions must be at least 1, got " + partitions);
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> client = new LinkedHashMap<>(config.resolve().kafkaProperties());
        client.putAll(properties);
        properties.forEach(Secrets::registerIfSensitive);
        // created here rather than by the broker on first write, which can reorder the first
        // batches
        if (KafkaPreflight.createIfMissing(
                bootstrap, client, topic, partitions, KafkaPreflight.TIMEOUT)) {
            out.printf("created topic %s with %d partitions at %s%n", topic, partitions, bootstrap);
            out.flush();
        }
        EventProducer producer = new EventProducer(bootstrap, client, topic, rate, System.out);
        EventProducer.Result result =
                input.file != null
                        ? producer.replay(input.file)
                        : producer.generate(
                                generator.settings(input.generate).withMalformedJson(true));
        out.printf(
                "produced %d records to %s at %s in %.1f s (%.0f records/s)%n",
                result.records(),
                topic,
                bootstrap,
                result.seconds(),
                result.records() / Math.max(result.seconds(), 1e-9));
        return 0;
    }
}
