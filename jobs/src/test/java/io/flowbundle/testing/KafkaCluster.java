package io.flowbundle.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Three real KRaft brokers and one controller in the test JVM (Kafka's own KafkaClusterTestKit, as
 * {@link KafkaBroker}), replicated as a production cluster is: replication factor 3 and {@code
 * min.insync.replicas} 2 for every topic, the transaction and offset logs included. A broker can be
 * stopped and started again ({@code BrokerServer.shutdown()} / {@code startup()}, as Kafka's own
 * cluster tests do), with its log directories kept.
 */
public final class KafkaCluster implements BeforeAllCallback, AfterAllCallback {

    public static final int BROKERS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private KafkaClusterTestKit cluster;
    private String bootstrap;
    private final Set<Integer> stopped = new java.util.HashSet<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        TestKitNodes nodes =
                new TestKitNodes.Builder()
                        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                        .setCombined(false)
                        .setNumBrokerNodes(BROKERS)
                        .setNumControllerNodes(1)
                        .build();
        cluster =
                new KafkaClusterTestKit.Builder(nodes)
                        .setConfigProp("default.replication.factor", "3")
                        .setConfigProp("min.insync.replicas", "2")
                        .setConfigProp("offsets.topic.replication.factor", "3")
                        .setConfigProp("offsets.topic.num.partitions", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "3")
                        .setConfigProp("transaction.state.log.min.isr", "2")
                        .setConfigProp("transaction.state.log.num.partitions", "2")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        // a restarted broker gets its preferred leaderships back within seconds
                        .setConfigProp("leader.imbalance.check.interval.seconds", "2")
                        .setConfigProp("leader.imbalance.per.broker.percentage", "0")
                        .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        bootstrap = cluster.bootstrapServers();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The three brokers' listeners as they started, as a client's configuration lists them (a
     * restarted broker listens on a new port; the client finds it through the others' metadata).
     */
    public String bootstrap() {
        return bootstrap;
    }

    public Set<Integer> brokerIds() {
        return cluster.brokers().keySet();
    }

    /**
     * Creates {@code topic} with every partition's replicas on all three brokers, {@code leader}
     * first: it is every partition's preferred leader, so stopping it moves them all.
     */
    public void createTopic(String topic, int partitions, int leader) throws Exception {
        List<Integer> replicas =
                new java.util.ArrayList<>(
                        brokerIds().stream().filter(b -> b != leader).sorted().toList());
        replicas.add(0, leader);
        Map<Integer, List<Integer>> assignment = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            assignment.put(p, replicas);
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, assignment))).all().get();
        }
        await(
                "leaders of " + topic + " on broker " + leader,
                () -> leaders(topic).equals(java.util.Collections.nCopies(partitions, leader)));
    }

    /** The leader of each partition of {@code topic} (-1: none), by partition. */
    public List<Integer> leaders(String topic) {
        try (Admin admin = admin()) {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().stream()
                    .map(TopicPartitionInfo::leader)
                    .map(node -> node == null ? -1 : node.id())
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    /** The in-sync replicas of each partition of {@code topic}, by partition. */
    public List<Integer> inSyncReplicas(String topic) {
        try (Admin admin = admin()) {
            return admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(p -> p.isr().size())
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    /** Stops a broker the way an operator does (controlled shutdown); its logs stay. */
    public void stopBroker(int id) {
        cluster.brokers().get(id).shutdown();
        cluster.brokers().get(id).awaitShutdown();
        stopped.add(id);
    }

    public boolean running(int id) {
        return !stopped.contains(id);
    }

    /**
     * Starts a stopped broker again on its logs; waits until it has caught up with the others on
     * {@code topics} and leads again the partitions it prefers there (the controller's automatic
     * preferred-leader election, every 2 s here).
     */
    public void startBroker(int id, List<String> topics) throws Exception {
        cluster.brokers().get(id).startup();
        stopped.remove(id);
        for (String topic : topics) {
            await(
                    "broker " + id + " back in sync on " + topic,
                    () -> inSyncReplicas(topic).stream().allMatch(n -> n == BROKERS));
            await(
                    "broker " + id + " leading " + topic + " again",
                    () -> leaders(topic).stream().allMatch(leader -> leader == id));
        }
    }

    private Admin admin() {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        "10000",
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        "20000"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + TIMEOUT);
            }
            Thread.sleep(200);
        }
    }
}
