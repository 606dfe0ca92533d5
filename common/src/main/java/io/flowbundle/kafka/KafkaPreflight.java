package io.flowbundle.kafka;

import io.flowbundle.FlowbundleException;
import io.flowbundle.UsageException;
import io.flowbundle.connector.Preflight;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a streaming job is built: Kafka answers at every address the spec names, the source topic
 * exists, and every sink topic exists or will be created by its first write. Without this a
 * misspelt source topic fails the job from the source's split enumerator, several causes deep and
 * after the cluster has started, and a sink topic its broker will not create makes the producer
 * wait {@code max.block.ms} (60 s) for its metadata before the job fails.
 */
public final class KafkaPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    /** How long a broker has to answer. */
    public static final Duration TIMEOUT = Preflight.DEFAULT_TIMEOUT;

    private static final String AUTO_CREATE = "auto.create.topics.enable";

    private KafkaPreflight() {}

    /** A topic the spec names: which key names it, the topic, and whether it is read. */
    record Topic(String role, String name, boolean source) {}

    /**
     * What was found on one Kafka cluster; {@code autoCreate} is null when it could not be read.
     */
    record Findings(Set<String> existing, Boolean autoCreate) {}

    /**
     * The check of the Kafka cluster at {@code bootstrap} within {@code preflight}: one per
     * address, shared by every source and sink of the spec that names it (with the client
     * properties of the first that does).
     */
    public static Cluster cluster(
            Preflight preflight, String bootstrap, Map<String, String> properties) {
        return preflight.check(
                List.of(KafkaPreflight.class, bootstrap),
                () -> new Cluster(bootstrap, properties, preflight.timeout()));
    }

    /**
     * The topics a spec names on one cluster. Running it throws a {@link UsageException} naming the
     * spec file, the key and the topic when one cannot work, a {@link FlowbundleException} when the
     * broker does not answer.
     */
    public static final class Cluster implements Preflight.Check {
        private final String bootstrap;
        private final Map<String, String> properties;
        private final Duration timeout;
        private final List<Topic> topics = new ArrayList<>();

        Cluster(String bootstrap, Map<String, String> properties, Duration timeout) {
            this.bootstrap = bootstrap;
            this.properties = Map.copyOf(properties);
            this.timeout = timeout;
        }

        /** The source topic, named by spec key {@code key}. */
        public Cluster source(String key, String topic) {
            topics.add(new Topic(key, topic, true));
            return this;
        }

        /** A sink (or quarantine, or staging) topic, named by spec key {@code key}. */
        public Cluster sink(String key, String topic) {
            topics.add(new Topic(key, topic, false));
            return this;
        }

        List<Topic> topics() {
            return List.copyOf(topics);
        }

        String bootstrap() {
            return bootstrap;
        }

        @Override
        public void run(Path specFile) {
            Verdict verdict =
                    verdict(
                            specFile.toString(),
                            bootstrap,
                            topics,
                            inspect(specFile, bootstrap, properties, topics, timeout));
            verdict.warnings().forEach(warning -> LOG.warn("{}", warning));
            verdict.notes().forEach(note -> LOG.info("{}", note));
            if (!verdict.errors().isEmpty()) {
                throw new UsageException(String.join("; ", verdict.errors()));
            }
        }
    }

    /**
     * What stops the run, what may (a sink topic nobody may create), and what is worth knowing (a
     * sink topic its first write will create).
     */
    record Verdict(List<String> errors, List<String> warnings, List<String> notes) {}

    /** What to say about one cluster's topics, given what was found there. */
    static Verdict verdict(String file, String bootstrap, List<Topic> topics, Findings findings) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Topic topic : topics) {
            if (findings.existing().contains(topic.name())) {
                continue;
            }
            String create =
                    "create it first (e.g. scripts/kafka-local create-topic "
                            + topic.name()
                            + " 4)";
            if (topic.source()) {
                errors.add(
                        file
                                + ": "
                                + topic.role()
                                + ".topic '"
                                + topic.name()
                                + "' does not exist on "
                                + bootstrap
                                + ": "
                                + create
                                + " or correct the name");
            } else if (Boolean.FALSE.equals(findings.autoCreate())) {
                errors.add(
                        file
                                + ": "
                                + topic.role()
                                + " topic '"
                                + topic.name()
                                + "' does not exist on "
                                + bootstrap
                                + ", whose brokers do not create topics on first write ("
                                + AUTO_CREATE
                                + "=false): "
                                + create);
            } else if (findings.autoCreate() == null) {
                warnings.add(
                        topic.role()
                                + " topic '"
                                + topic.name()
                                + "' does not exist on "
                                + bootstrap
                                + " and "
                                + AUTO_CREATE
                                + " could not be read: unless its brokers create topics on"
                                + " first write, "
                                + create);
            } else {
                notes.add(
                        topic.role()
                                + " topic '"
                                + topic.name()
                                + "' does not exist on "
                                + bootstrap
                                + ": its first write creates it with the broker's default partition count");
            }
        }
        return new Verdict(errors, warnings, notes);
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and the broker's default replication
     * unless it exists (then it is left as it is); true when it was created here. For writers that
     * should not depend on a broker creating topics on first write: where it does, the first
     * batches of a new topic can land out of order (docs/ARCHITECTURE.md, the Kafka sink).
     */
    public static boolean createIfMissing(
            String bootstrap,
            Map<String, String> properties,
            String topic,
            int partitions,
            Duration timeout) {
        String unreachable = unreachable("", bootstrap, timeout);
        try (Admin admin = Admin.create(adminProps(bootstrap, properties, timeout))) {
            if (!existing(admin, Set.of(topic), timeout, "", bootstrap).isEmpty()) {
                return false;
            }
            admin.createTopics(
                            List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false; // created by someone else meanwhile
            }
            throw new FlowbundleException(
                    "cannot create topic '"
                            + topic
                            + "' on "
                            + bootstrap
                            + ": "
                            + e.getCause().getMessage(),
                    e);
        } catch (TimeoutException e) {
            throw new FlowbundleException(unreachable, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowbundleException("interrupted while creating topic '" + topic + "'", e);
        }
    }

    private static Properties adminProps(
            String bootstrap, Map<String, String> properties, Duration timeout) {
        Properties props = new Properties();
        props.putAll(properties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "flowbundle-preflight");
        return props;
    }

    private static Findings inspect(
            Path specFile,
            String bootstrap,
            Map<String, String> properties,
            List<Topic> topics,
            Duration timeout) {
        Set<String> names = new HashSet<>();
        topics.forEach(t -> names.add(t.name()));
        try (Admin admin = Admin.create(adminProps(bootstrap, properties, timeout))) {
            Set<String> existing = existing(admin, names, timeout, specFile + ": ", bootstrap);
            Boolean autoCreate = existing.containsAll(names) ? null : autoCreate(admin, timeout);
            return new Findings(existing, autoCreate);
        }
    }

    /**
     * The connection was refused at authentication: wrong credentials, or a TLS handshake that
     * failed (the broker's certificate is not trusted, or a plaintext client met a TLS listener).
     */
    static String refused(String where, String bootstrap, AuthenticationException refused) {
        String fix =
                refused instanceof SslAuthenticationException
                        ? "the TLS handshake failed: check ssl.truststore.location/ssl.truststore.type (the"
                                + " broker's CA) and security.protocol in the Kafka properties"
                        : "the credentials were refused: check sasl.mechanism and the user and password of"
                                + " sasl.jaas.config in the Kafka properties";
        String reason =
                refused.getMessage() == null
                        ? refused.getClass().getSimpleName()
                        : refused.getMessage();
        int end = reason.indexOf('\n');
        return where
                + "Kafka at "
                + bootstrap
                + " refused the connection ("
                + (end < 0 ? reason : reason.substring(0, end)).strip()
                + "); "
                + fix;
    }

    private static String unreachable(String where, String bootstrap, Duration timeout) {
        return where
                + "no answer from Kafka at "
                + bootstrap
                + " within "
                + timeout.toSeconds()
                + " s: is the broker running (scripts/kafka-local start) and is the address right?";
    }

    private static Set<String> existing(
            Admin admin,
            Collection<String> names,
            Duration timeout,
            String where,
            String bootstrap) {
        String unreachable = unreachable(where, bootstrap, timeout);
        Set<String> existing = new HashSet<>();
        Map<String, KafkaFuture<TopicDescription>> described =
                admin.describeTopics(names).topicNameValues();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
            try {
                topic.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                existing.add(topic.getKey());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    continue;
                }
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw new FlowbundleException(unreachable, e.getCause());
                }
                if (e.getCause() instanceof AuthenticationException refused) {
                    throw new FlowbundleException(refused(where, bootstrap, refused), refused);
                }
                // e.g. not authorized to describe it: leave the topic to the job
                LOG.warn("could not check topic '{}': {}", topic.getKey(), e.getCause().toString());
                existing.add(topic.getKey());
            } catch (TimeoutException e) {
                throw new FlowbundleException(unreachable, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlowbundleException("interrupted while checking Kafka topics", e);
            }
        }
        return existing;
    }

    /** The first broker's {@code auto.create.topics.enable}, or null when it cannot be read. */
    private static Boolean autoCreate(Admin admin, Duration timeout) {
        try {
            Collection<Node> nodes =
                    admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return null;
            }
            ConfigResource broker =
                    new ConfigResource(
                            ConfigResource.Type.BROKER,
                            String.valueOf(nodes.iterator().next().id()));
            Config config =
                    admin.describeConfigs(List.of(broker))
                            .all()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .get(broker);
            ConfigEntry entry = config == null ? null : config.get(AUTO_CREATE);
            return entry == null || entry.value() == null ? null : Boolean.valueOf(entry.value());
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("could not read {}: {}", AUTO_CREATE, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
