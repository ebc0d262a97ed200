package io.github.idempotency.sample.e2e;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A TCP proxy in front of the sample app that handles one HTTP/1.1 exchange per connection and injects the faults
 * that a test scripts, one per request in arrival order (requests past the script are forwarded). It tells the app
 * {@code Connection: close}, so each exchange ends with the server closing, and records what it did with each
 * request.
 */
final class FaultInjectingProxy implements AutoCloseable {

	/**
	 * What the proxy does with one request.
	 */
	enum Fault {

		/** Forwards the request and relays the response. */
		FORWARD,

		/**
		 * Forwards the request, waits until the app has sent its whole response (so it has processed the request),
		 * then closes the client's connection without a byte: the response is lost on the way back.
		 */
		DROP_RESPONSE,

		/**
		 * Forwards the request and closes the client's connection as soon as the condition given to
		 * {@link #whileRunning(BooleanSupplier)} holds (the app runs the request), before the app answers; the app's
		 * response, when it comes, is discarded.
		 */
		DROP_CONNECTION_WHILE_RUNNING,

		/**
		 * Answers {@code 409} with {@code Retry-After: 0} itself, as the app does for a request whose key is in
		 * progress, without forwarding.
		 */
		ANSWER_IN_PROGRESS

	}

	/**
	 * What happened to one request: the fault applied, and the status the app answered ({@code 0} when the app was
	 * not asked, or its response was not read).
	 */
	record Exchange(Fault fault, String key, int appStatus) {
	}

	private static final String IN_PROGRESS_BODY = """
			{"type":"https://idempotency.github.io/problems/request-in-progress","title":"Conflict","status":409}""";

	private final ServerSocket serverSocket;

	private final int targetPort;

	private final Deque<Fault> script = new ArrayDeque<>();

	private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

	private final List<Socket> open = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private volatile BooleanSupplier running = () -> true;

	FaultInjectingProxy(URI target) throws IOException {
		this.targetPort = target.getPort();
		this.serverSocket = new ServerSocket();
		this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.acceptor = new Thread(this::accept, "fault-injecting-proxy");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.serverSocket.getLocalPort());
	}

	/**
	 * Scripts the faults of the next requests, replacing any left from an earlier script, and forgets earlier
	 * exchanges.
	 * @param faults one per request, in order
	 */
	synchronized void script(Fault... faults) {
		this.script.clear();
		this.script.addAll(List.of(faults));
		this.exchanges.clear();
	}

	/**
	 * Sets what tells {@link Fault#DROP_CONNECTION_WHILE_RUNNING} that the app is running the request.
	 * @param running true once the app runs it
	 */
	void whileRunning(BooleanSupplier running) {
		this.running = running;
	}

	List<Exchange> exchanges() {
		return new ArrayList<>(this.exchanges);
	}

	private synchronized Fault nextFault() {
		Fault fault = this.script.poll();
		return (fault != null) ? fault : Fault.FORWARD;
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket client = this.serverSocket.accept();
				this.open.add(client);
				Thread handler = new Thread(() -> handle(client), "fault-injecting-proxy-exchange");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				// closed: the proxy stops
			}
		}
	}

	private void handle(Socket client) {
		try (client) {
			client.setSoTimeout(60_000);
			InputStream in = client.getInputStream();
			byte[] head = readHead(in);
			if (head == null) {
				return;
			}
			String headText = new String(head, StandardCharsets.ISO_8859_1);
			byte[] body = readBody(in, headText);
			Fault fault = nextFault();
			String key = header(headText, "idempotency-key");
			if (fault == Fault.ANSWER_IN_PROGRESS) {
				byte[] answer = IN_PROGRESS_BODY.getBytes(StandardCharsets.UTF_8);
				this.exchanges.add(new Exchange(fault, key, 0));
				write(client.getOutputStream(), ("HTTP/1.1 409 Conflict\r\nRetry-After: 0\r\n"
						+ "Content-Type: application/problem+json\r\nContent-Length: " + answer.length
						+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), answer);
				return;
			}
			try (Socket app = new Socket(InetAddress.getLoopbackAddress(), this.targetPort)) {
				app.setSoTimeout(60_000);
				write(app.getOutputStream(), closingHead(headText).getBytes(StandardCharsets.ISO_8859_1), body);
				if (fault == Fault.DROP_CONNECTION_WHILE_RUNNING) {
					awaitRunning();
					client.close();
				}
				byte[] response = app.getInputStream().readAllBytes();
				this.exchanges.add(new Exchange(fault, key, status(response)));
				if (fault == Fault.FORWARD) {
					write(client.getOutputStream(), response);
				}
			}
		}
		catch (IOException ex) {
			// the client or the app went away: nothing to relay
		}
		finally {
			this.open.remove(client);
		}
	}

	private void awaitRunning() throws IOException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!this.running.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IOException("the app did not start running the request within 30 s");
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}
	}

	private static byte[] readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int next = in.read();
			if (next < 0) {
				return null;
			}
			if (head.size() > 65_536) {
				throw new IOException("request head too long");
			}
			head.write(next);
			matched = (next == ((matched % 2 == 0) ? '\r' : '\n')) ? matched + 1 : ((next == '\r') ? 1 : 0);
		}
		return head.toByteArray();
	}

	/**
	 * Reads the body as framed by {@code Content-Length} or chunked encoding, keeping the framing bytes, which are
	 * forwarded as they came.
	 */
	private static byte[] readBody(InputStream in, String head) throws IOException {
		String length = header(head, "content-length");
		if (length != null) {
			return in.readNBytes(Integer.parseInt(length.trim()));
		}
		String encoding = header(head, "transfer-encoding");
		if (encoding == null || !encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
			return new byte[0];
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine(in, body);
			int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
			if (size == 0) {
				while (!readLine(in, body).isEmpty()) {
					// trailers
				}
				return body.toByteArray();
			}
			body.write(in.readNBytes(size));
			readLine(in, body);
		}
	}

	private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
		StringBuilder line = new StringBuilder();
		int previous = -1;
		while (true) {
			int next = in.read();
			if (next < 0) {
				throw new EOFException("chunked body cut short");
			}
			copy.write(next);
			if (previous == '\r' && next == '\n') {
				return line.substring(0, line.length() - 1);
			}
			line.append((char) next);
			previous = next;
		}
	}

	private static String header(String head, String name) {
		for (String line : head.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
				return line.substring(colon + 1).trim();
			}
		}
		return null;
	}

	/**
	 * The request head without the client's connection management (keep-alive, an {@code h2c} upgrade), asking the
	 * app to close after its response.
	 */
	private static String closingHead(String head) {
		StringBuilder rewritten = new StringBuilder();
		for (String line : head.split("\r\n")) {
			String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT)
					: "";
			if (!List.of("connection", "keep-alive", "upgrade", "http2-settings").contains(name) && !line.isEmpty()) {
				rewritten.append(line).append("\r\n");
			}
		}
		return rewritten.append("Connection: close\r\n\r\n").toString();
	}

	private static int status(byte[] response) {
		String text = new String(response, 0, Math.min(response.length, 64), StandardCharsets.ISO_8859_1);
		String[] parts = text.split(" ", 3);
		return (parts.length > 1 && text.startsWith("HTTP/")) ? Integer.parseInt(parts[1]) : 0;
	}

	private static void write(OutputStream out, byte[]... parts) throws IOException {
		for (byte[] part : parts) {
			out.write(part);
		}
		out.flush();
	}

	@Override
	public void close() {
		try {
			this.serverSocket.close();
			for (Socket socket : this.open) {
				socket.close();
			}
			this.acceptor.join(10_000);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
