package com.example.bss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A BSS creating a customer: CreateCustomer on customer.commands, keyed by the WebID, then the events of its task
 * on customer.events until the task ends (TaskCompleted or TaskFailed).
 *
 * <p>Options: {@code -bootstrap host:port} (127.0.0.1:9092), {@code -command create-customer.json} (the canonical
 * command), {@code -id bss-order-4711} (any string unique to the order; bss-order-random without one),
 * {@code -correlationid ...} (names the task; the id does without it), {@code -mode structured|binary},
 * {@code -unique} (a WebID, first user and DID range of its own), {@code -config client.properties} (security and
 * any other client setting), {@code -timeout seconds}.
 *
 * <p>Prints one JSON line on stdout; exits 0 when the customer is active, 1 when not, 2 when no outcome came.
 */
public final class CreateCustomer {
    static final String COMMANDS = "customer.commands";
    static final String EVENTS = "customer.events";
    static final List<String> OUTCOMES =
            List.of("CustomerActivated", "CustomerRejected", "CustomerFailed", "CustomerRollbackFailed");
    static final ObjectMapper JSON = new ObjectMapper();
    static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> args = options(argv);
        String bootstrap = args.getOrDefault("bootstrap", "127.0.0.1:9092");
        String mode = args.getOrDefault("mode", "structured");
        Duration timeout = Duration.ofSeconds(Long.parseLong(args.getOrDefault("timeout", "60")));
        Path command = Path.of(args.getOrDefault("command", System.getProperty("mmp.canonical", "create-customer.json")));

        ObjectNode event = (ObjectNode) JSON.readTree(command.toFile());
        event.remove(List.of("time", "correlationid"));
        event.put("id", args.getOrDefault("id", "bss-order-" + RANDOM.nextInt(1_000_000_000)));
        if (args.containsKey("correlationid")) {
            event.put("correlationid", args.get("correlationid"));
        }
        if (args.containsKey("unique")) {
            unique((ObjectNode) event.get("data"));
        }
        String webid = event.at("/data/details/webid").asText();
        String taskId = event.has("correlationid") ? event.get("correlationid").asText() : event.get("id").asText();

        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        if (args.containsKey("config")) {
            try (Reader reader = Files.newBufferedReader(Path.of(args.get("config")))) {
                common.load(reader);
            }
        }
        Properties consumerSettings = new Properties();
        consumerSettings.putAll(common);
        consumerSettings.put("enable.auto.commit", "false");
        consumerSettings.put("key.deserializer", StringDeserializer.class.getName());
        consumerSettings.put("value.deserializer", StringDeserializer.class.getName());
        Properties producerSettings = new Properties();
        producerSettings.putAll(common);
        producerSettings.put("key.serializer", StringSerializer.class.getName());
        producerSettings.put("value.serializer", StringSerializer.class.getName());

        List<JsonNode> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerSettings)) {
            // Read from the end as it is before the command goes out, so its outcome cannot be missed. A BSS in
            // production keeps one consumer group on customer.events instead and matches events to its orders.
            List<TopicPartition> partitions = consumer.partitionsFor(EVENTS, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings)) {
                producer.send(record(event, webid, mode)).get();
            }
            System.err.printf("sent CreateCustomer %s (%s mode), task %s%n", event.get("id").asText(), mode, taskId);

            Instant deadline = Instant.now().plus(timeout);
            boolean ended = false;
            while (!ended && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode outcome;
                    try {
                        outcome = JSON.readTree(record.value());
                    } catch (IOException notJson) {
                        continue;
                    }
                    if (!taskId.equals(outcome.path("correlationid").asText())) {
                        continue; // another task's event
                    }
                    seen.add(outcome);
                    String type = outcome.path("type").asText();
                    System.err.printf("  %s: %s%n", type, outcome.path("data"));
                    if ((type.equals("TaskCompleted") || type.equals("TaskFailed"))
                            && taskId.equals(outcome.at("/data/task_id").asText())) {
                        ended = true;
                        break;
                    }
                }
            }
            if (!ended) {
                System.err.printf("no outcome in time: GET /api/v1/tasks/%s tells%n", taskId);
                System.exit(2);
            }
        }
        JsonNode end = seen.get(seen.size() - 1);
        JsonNode outcome = seen.stream().filter(e -> OUTCOMES.contains(e.path("type").asText())).findFirst().orElse(end);
        ObjectNode result = JSON.createObjectNode();
        result.put("task_id", taskId);
        result.put("customer_id", end.at("/data/customer_id").asText());
        result.put("webid", webid);
        result.put("outcome", outcome.path("type").asText());
        result.set("data", outcome.path("data"));
        result.set("events", JSON.valueToTree(seen.stream().map(e -> e.path("type").asText()).toList()));
        System.out.println(JSON.writeValueAsString(result));
        boolean active = outcome.path("type").asText().equals("CustomerActivated")
                && end.path("type").asText().equals("TaskCompleted");
        System.exit(active ? 0 : 1);
    }

    /** Structured mode: the whole event as the value. Binary mode: the attributes as ce_* headers, the data as the value. */
    static ProducerRecord<String, String> record(ObjectNode event, String webid, String mode) throws IOException {
        if (mode.equals("structured")) {
            ProducerRecord<String, String> record = new ProducerRecord<>(COMMANDS, webid, JSON.writeValueAsString(event));
            record.headers().add("content-type", bytes("application/cloudevents+json"));
            return record;
        }
        ProducerRecord<String, String> record =
                new ProducerRecord<>(COMMANDS, webid, JSON.writeValueAsString(event.get("data")));
        for (Map.Entry<String, JsonNode> attribute : event.properties()) {
            String name = attribute.getKey();
            if (name.equals("datacontenttype")) {
                record.headers().add("content-type", bytes(attribute.getValue().asText()));
            } else if (!name.equals("data")) {
                record.headers().add("ce_" + name, bytes(attribute.getValue().asText()));
            }
        }
        return record;
    }

    /** A WebID, first user and DID range no other customer of the group holds (R6, R11, R12). */
    static void unique(ObjectNode data) {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        String tag = HexFormat.of().formatHex(random);
        long number = 6_200_000_000L + RANDOM.nextInt(90_000) * 100L;
        ((ObjectNode) data.get("details")).put("webid", "bss-java-" + tag).put("name", "BSS Java example " + tag);
        ((ObjectNode) data.get("first_user")).put("username", "java-" + tag).put("email", "admin@java-" + tag + ".example");
        ObjectNode range = JSON.createObjectNode().put("start", Long.toString(number)).put("end", Long.toString(number + 19));
        data.set("did_ranges", JSON.createArrayNode().add(range));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> options(String[] argv) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String name = argv[i].replaceFirst("^-+", "");
            boolean flag = i + 1 >= argv.length || argv[i + 1].startsWith("-");
            options.put(name, flag ? "" : argv[++i]);
        }
        return options;
    }
}
