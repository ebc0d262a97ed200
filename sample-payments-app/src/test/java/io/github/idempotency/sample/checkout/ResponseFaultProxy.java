package io.github.idempotency.sample.checkout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy between the browser and the app that can spoil the response to the next authenticated
 * {@code POST /payments} after the server has processed it: hold it until the test releases it (a request in
 * flight), or pass its headers and then drop the connection (a network failure the page sees, where the card was
 * charged but the answer never arrived).
 * <p>
 * It forwards bytes as they come and reads only request heads and their {@code Content-Length}, enough to tell
 * which response belongs to which request on a keep-alive connection (a browser never pipelines).
 */
final class ResponseFaultProxy implements AutoCloseable {

	private static final Duration LONGEST_HOLD = Duration.ofSeconds(60);

	private final ServerSocket server;

	private final URI target;

	private final ExecutorService threads = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "response-fault-proxy");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicReference<Fault> nextPaymentFault = new AtomicReference<>();

	private ResponseFaultProxy(ServerSocket server, URI target) {
		this.server = server;
		this.target = target;
	}

	/**
	 * Starts a proxy on a free loopback port.
	 * @param target the app's base URI
	 * @return the running proxy
	 */
	static ResponseFaultProxy start(URI target) {
		try {
			ResponseFaultProxy proxy = new ResponseFaultProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
					target);
			proxy.threads.execute(proxy::accept);
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * An address of the app through this proxy.
	 * @param path the path
	 * @return the URI
	 */
	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort()).resolve(path);
	}

	/**
	 * Holds the response to the next authenticated {@code POST /payments} until {@link HeldResponse#release()}.
	 * @return the hold
	 */
	HeldResponse holdNextPayment() {
		HeldResponse hold = new HeldResponse();
		arm(hold);
		return hold;
	}

	/**
	 * Passes the status line and headers of the response to the next authenticated {@code POST /payments}, then
	 * closes the connection before the body.
	 * @return the fault
	 */
	DroppedResponse dropNextPaymentAfterHeaders() {
		DroppedResponse drop = new DroppedResponse();
		arm(drop);
		return drop;
	}

	private void arm(Fault fault) {
		if (!this.nextPaymentFault.compareAndSet(null, fault)) {
			throw new IllegalStateException("A fault is already armed");
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket upstream = new Socket(this.target.getHost(), this.target.getPort());
				this.sockets.add(client);
				this.sockets.add(upstream);
				Connection connection = new Connection(client, upstream);
				this.threads.execute(connection::forwardRequests);
				this.threads.execute(connection::forwardResponses);
			}
			catch (IOException ex) {
				// closed: the proxy is shutting down
			}
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// nothing left to do with it
		}
		this.sockets.forEach(ResponseFaultProxy::closeQuietly);
		this.threads.shutdownNow();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	private static void await(CountDownLatch latch, String what) {
		try {
			if (!latch.await(LONGEST_HOLD.toSeconds(), TimeUnit.SECONDS)) {
				throw new IllegalStateException("Timed out waiting until " + what);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What happens to one response.
	 */
	private sealed interface Fault permits HeldResponse, DroppedResponse {

	}

	/**
	 * A response held back from the browser.
	 */
	static final class HeldResponse implements Fault {

		private final CountDownLatch arrived = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		/**
		 * Waits until the server has answered the request (the answer is then held here).
		 */
		void awaitServerAnswer() {
			await(this.arrived, "the server answers the held request");
		}

		/**
		 * Lets the response through.
		 */
		void release() {
			this.released.countDown();
		}

	}

	/**
	 * A response whose connection is dropped after its headers.
	 */
	static final class DroppedResponse implements Fault {

		private final CountDownLatch dropped = new CountDownLatch(1);

		/**
		 * Whether the connection was dropped.
		 * @return {@code true} once the headers went out and the connection was closed
		 */
		boolean happened() {
			return this.dropped.getCount() == 0;
		}

	}

	/**
	 * One browser connection and its own connection to the app.
	 */
	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		/** The fault for the response to the request last forwarded, set before that request goes upstream. */
		private final AtomicReference<Fault> faultOfNextResponse = new AtomicReference<>();

		private final StringBuilder requestHead = new StringBuilder();

		private long requestBodyLeft;

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void forwardRequests() {
			try (InputStream in = this.client.getInputStream()) {
				OutputStream out = this.upstream.getOutputStream();
				byte[] buffer = new byte[8192];
				int read;
				while ((read = in.read(buffer)) != -1) {
					scanRequests(buffer, read);
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// the other side closed
			}
			finally {
				closeBoth();
			}
		}

		private void scanRequests(byte[] buffer, int length) {
			for (int i = 0; i < length; i++) {
				if (this.requestBodyLeft > 0) {
					long skipped = Math.min(this.requestBodyLeft, length - i);
					this.requestBodyLeft -= skipped;
					i += (int) skipped - 1;
					continue;
				}
				this.requestHead.append((char) (buffer[i] & 0xff));
				int size = this.requestHead.length();
				if (size >= 4 && this.requestHead.substring(size - 4).equals("\r\n\r\n")) {
					onRequestHead(this.requestHead.toString());
					this.requestHead.setLength(0);
				}
			}
		}

		private void onRequestHead(String head) {
			String lower = head.toLowerCase(Locale.ROOT);
			this.requestBodyLeft = contentLength(lower);
			if (head.startsWith("POST /payments ") && lower.contains("\r\nauthorization:")) {
				Fault fault = ResponseFaultProxy.this.nextPaymentFault.getAndSet(null);
				if (fault != null) {
					this.faultOfNextResponse.set(fault);
				}
			}
		}

		private static long contentLength(String lowerCaseHead) {
			int start = lowerCaseHead.indexOf("\r\ncontent-length:");
			if (start < 0) {
				return 0;
			}
			int end = lowerCaseHead.indexOf("\r\n", start + 2);
			return Long.parseLong(lowerCaseHead.substring(start + "\r\ncontent-length:".length(), end).strip());
		}

		void forwardResponses() {
			try (InputStream in = this.upstream.getInputStream()) {
				OutputStream out = this.client.getOutputStream();
				byte[] buffer = new byte[8192];
				int read;
				while ((read = in.read(buffer)) != -1) {
					// a browser sends the next request only after the last response: these bytes answer the
					// request last forwarded
					Fault fault = this.faultOfNextResponse.getAndSet(null);
					if (fault instanceof HeldResponse hold) {
						hold.arrived.countDown();
						await(hold.released, "the test releases the held response");
					}
					else if (fault instanceof DroppedResponse drop) {
						forwardHeadThenDrop(in, out, buffer, read);
						drop.dropped.countDown();
						return;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// the other side closed
			}
			finally {
				closeBoth();
			}
		}

		private void forwardHeadThenDrop(InputStream in, OutputStream out, byte[] buffer, int firstRead)
				throws IOException {
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			response.write(buffer, 0, firstRead);
			int headEnd;
			while ((headEnd = response.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
				int read = in.read(buffer);
				if (read == -1) {
					break;
				}
				response.write(buffer, 0, read);
			}
			if (headEnd >= 0) {
				out.write(response.toByteArray(), 0, headEnd + 4);
				out.flush();
			}
			closeBoth();
		}

		private void closeBoth() {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
			ResponseFaultProxy.this.sockets.remove(this.client);
			ResponseFaultProxy.this.sockets.remove(this.upstream);
		}

	}

}
