package dev.prio.server.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP/1.1 proxy on loopback between A and B whose behaviour a test switches at runtime. It
 * reads each request whole, forwards it to the target on a fresh connection ({@code Connection:
 * close}), reads the whole answer, and then applies the current {@link Fault}: pass it on, delay
 * it, lose the response after B has handled the request, refuse the connection outright (B down),
 * or flip one byte of the request or response body. Every read and connect has a timeout.
 *
 * <p>{@link #always} sets the standing behaviour; {@link #once} arms a fault for the next request
 * whose request line contains a string, after which the standing behaviour applies again.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int TIMEOUT_MS = 60_000;
  private static final int MAX_BODY = 64 << 20;
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "upgrade",
          "http2-settings",
          "transfer-encoding",
          "content-length",
          "te",
          "trailer");

  public enum Kind {
    PASS,
    DELAY,
    HOLD_RESPONSE,
    DROP_RESPONSE,
    REFUSE,
    TAMPER_REQUEST,
    TAMPER_RESPONSE
  }

  /** What happens to one request. {@code delayMs} is used by DELAY only. */
  public record Fault(Kind kind, long delayMs) {
    public static final Fault PASS = new Fault(Kind.PASS, 0);
    public static final Fault DROP_RESPONSE = new Fault(Kind.DROP_RESPONSE, 0);
    public static final Fault REFUSE = new Fault(Kind.REFUSE, 0);
    public static final Fault TAMPER_REQUEST = new Fault(Kind.TAMPER_REQUEST, 0);
    public static final Fault TAMPER_RESPONSE = new Fault(Kind.TAMPER_RESPONSE, 0);

    public static Fault delay(long ms) {
      return new Fault(Kind.DELAY, ms);
    }

    /**
     * B handles the request at once; its answer reaches A only {@code ms} later (or never, if A
     * dies).
     */
    public static Fault holdResponse(long ms) {
      return new Fault(Kind.HOLD_RESPONSE, ms);
    }
  }

  private record Armed(String requestLineContains, String bodyContains, Fault fault) {}

  /** One request the proxy saw, and what it did to it. */
  public record Seen(String requestLine, Kind applied, int status) {}

  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final AtomicReference<Fault> standing = new AtomicReference<>(Fault.PASS);
  private final AtomicReference<Armed> armed = new AtomicReference<>();
  private final List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger faultsApplied = new AtomicInteger();
  private volatile boolean closed;

  /** Listens on {@code listenPort} (0: any) and forwards to 127.0.0.1:{@code targetPort}. */
  public FaultProxy(int listenPort, int targetPort) throws IOException {
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    this.targetPort = targetPort;
    pool.execute(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public void always(Fault fault) {
    standing.set(fault);
  }

  /**
   * Arms {@code fault} for the next request whose request line contains {@code
   * requestLineContains}.
   */
  public void once(String requestLineContains, Fault fault) {
    once(requestLineContains, null, fault);
  }

  /**
   * As {@link #once(String, Fault)}, for a request whose body also contains {@code bodyContains}
   * (null: any).
   */
  public void once(String requestLineContains, String bodyContains, Fault fault) {
    armed.set(new Armed(requestLineContains, bodyContains, fault));
  }

  /** True while a {@link #once} fault waits for its request. */
  public boolean armed() {
    return armed.get() != null;
  }

  public int faultsApplied() {
    return faultsApplied.get();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          sleepQuietly(10);
        }
      }
    }
  }

  private Fault choose(String requestLine, byte[] body) {
    Armed a = armed.get();
    boolean bodyMatches =
        a == null
            || a.bodyContains() == null
            || new String(body, StandardCharsets.UTF_8).contains(a.bodyContains());
    if (a != null
        && requestLine.contains(a.requestLineContains())
        && bodyMatches
        && armed.compareAndSet(a, null)) {
      return a.fault();
    }
    return standing.get();
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(TIMEOUT_MS);
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      while (!closed) {
        Message request = Message.read(in, true);
        if (request == null) {
          return;
        }
        Fault fault = choose(request.startLine, request.body);
        if (fault.kind() != Kind.PASS) {
          faultsApplied.incrementAndGet();
        }
        if (fault.kind() == Kind.REFUSE) {
          seen.add(new Seen(request.startLine, Kind.REFUSE, 0));
          client.setSoLinger(true, 0); // RST, as a closed port would answer
          return;
        }
        if (fault.kind() == Kind.TAMPER_REQUEST) {
          flip(request.body);
        }
        if (fault.kind() == Kind.DELAY) {
          sleepQuietly(fault.delayMs());
        }
        Message response = forward(request);
        if (fault.kind() == Kind.HOLD_RESPONSE) {
          sleepQuietly(fault.delayMs());
        }
        if (fault.kind() == Kind.DROP_RESPONSE) {
          seen.add(new Seen(request.startLine, Kind.DROP_RESPONSE, response.status()));
          return; // B has handled the request; A never hears the answer
        }
        if (fault.kind() == Kind.TAMPER_RESPONSE) {
          flip(response.body);
        }
        seen.add(new Seen(request.startLine, fault.kind(), response.status()));
        response.write(out, false);
        if (request.wantsClose()) {
          return;
        }
      }
    } catch (IOException e) {
      // client or target went away: the connection ends, as it would without the proxy
    } finally {
      open.remove(client);
    }
  }

  private Message forward(Message request) throws IOException {
    try (Socket target = new Socket()) {
      open.add(target);
      try {
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        target.setSoTimeout(TIMEOUT_MS);
        request.write(target.getOutputStream(), true);
        Message response = Message.read(new BufferedInputStream(target.getInputStream()), false);
        if (response == null) {
          throw new IOException("target closed without answering");
        }
        return response;
      } finally {
        open.remove(target);
      }
    }
  }

  private static void flip(byte[] body) {
    if (body.length > 0) {
      body[body.length / 2] ^= 0x01;
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the listener and every connection through it. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One HTTP/1.1 message read whole: start line, end-to-end headers, de-chunked body. */
  private static final class Message {
    final String startLine;
    final List<String[]> headers;
    final byte[] body;
    final boolean close;

    Message(String startLine, List<String[]> headers, byte[] body, boolean close) {
      this.startLine = startLine;
      this.headers = headers;
      this.body = body;
      this.close = close;
    }

    int status() {
      String[] parts = startLine.split(" ");
      return parts.length > 1 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
    }

    boolean wantsClose() {
      return close;
    }

    /** Null on a clean end of stream before a new message. */
    static Message read(InputStream in, boolean isRequest) throws IOException {
      String start = line(in);
      if (start == null) {
        return null;
      }
      while (start.isEmpty()) {
        start = line(in);
        if (start == null) {
          return null;
        }
      }
      List<String[]> headers = new ArrayList<>();
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      String h;
      while ((h = line(in)) != null && !h.isEmpty()) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new IOException("bad header line");
        }
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (lower.equals("transfer-encoding")
            && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        } else if (lower.equals("connection") && value.toLowerCase(Locale.ROOT).contains("close")) {
          close = true;
        }
        if (!HOP_BY_HOP.contains(lower)) {
          headers.add(new String[] {name, value});
        }
      }
      byte[] body;
      if (chunked) {
        body = readChunked(in);
      } else if (length >= 0) {
        if (length > MAX_BODY) {
          throw new IOException("body too large for the test proxy");
        }
        body = in.readNBytes((int) length);
        if (body.length != length) {
          throw new IOException("truncated body");
        }
      } else if (isRequest) {
        body = new byte[0];
      } else {
        body = readAll(in);
      }
      return new Message(start, headers, body, close);
    }

    void write(OutputStream out, boolean toTarget) throws IOException {
      StringBuilder sb = new StringBuilder(startLine).append("\r\n");
      for (String[] h : headers) {
        sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
      sb.append("Content-Length: ").append(body.length).append("\r\n");
      if (toTarget) {
        sb.append("Connection: close\r\n");
      }
      sb.append("\r\n");
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    }

    private static byte[] readChunked(InputStream in) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(in);
        if (sizeLine == null) {
          throw new IOException("truncated chunked body");
        }
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          String trailer;
          while ((trailer = line(in)) != null && !trailer.isEmpty()) {
            // trailers dropped
          }
          return body.toByteArray();
        }
        if (body.size() + size > MAX_BODY) {
          throw new IOException("body too large for the test proxy");
        }
        body.write(in.readNBytes(size));
        line(in);
      }
    }

    private static byte[] readAll(InputStream in) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) != -1) {
        if (body.size() + n > MAX_BODY) {
          throw new IOException("body too large for the test proxy");
        }
        body.write(buf, 0, n);
      }
      return body.toByteArray();
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, or null at end of stream before any byte. */
    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(128);
      int c;
      try {
        while ((c = in.read()) != -1) {
          if (c == '\n') {
            byte[] bytes = b.toByteArray();
            int len =
                bytes.length > 0 && bytes[bytes.length - 1] == '\r'
                    ? bytes.length - 1
                    : bytes.length;
            return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
          }
          if (b.size() > 65536) {
            throw new IOException("header line too long");
          }
          b.write(c);
        }
      } catch (SocketException e) {
        if (b.size() == 0) {
          return null;
        }
        throw e;
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + port() + " -> " + targetPort + ", " + standing.get() + "]";
  }
}
