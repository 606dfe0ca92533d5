package io.flowbundle.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) standing in for a lineage backend such as
 * Marquez: it records every request and answers 201, as Marquez does for an accepted event.
 */
public final class LineageServer implements AutoCloseable {

    /** One request as it arrived. */
    public record Request(
            String method, String path, String contentType, String authorization, String body) {}

    private final HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

    private LineageServer(HttpServer server) {
        this.server = server;
    }

    public static LineageServer start() {
        try {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LineageServer lineage = new LineageServer(server);
            server.createContext("/", lineage::handle);
            server.start();
            return lineage;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            requests.add(
                    new Request(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().getPath(),
                            exchange.getRequestHeaders().getFirst("Content-Type"),
                            exchange.getRequestHeaders().getFirst("Authorization"),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
        exchange.sendResponseHeaders(201, -1);
        exchange.close();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until {@code count} requests arrived (or the timeout passed) and returns them all. */
    public List<Request> await(int count, Duration timeout) throws InterruptedException {
        List<Request> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < count) {
            Request next =
                    requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            out.add(next);
        }
        requests.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
