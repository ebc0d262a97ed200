package io.github.idempotency.spring.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A loopback TCP proxy in front of a Redis server that records the name of every command clients send, so a test
 * can count the round trips of a synchronous client exactly (a server's own statistics also count the commands its
 * scripts run).
 */
final class CommandCountingProxy implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final String targetHost;

	private final int targetPort;

	private final List<String> commands = new ArrayList<>();

	private final List<Socket> sockets = new ArrayList<>();

	CommandCountingProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "redis-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	String url() {
		return "redis://127.0.0.1:" + this.serverSocket.getLocalPort();
	}

	/**
	 * The commands sent so far, in order, as upper-case names.
	 * @return a copy of the list
	 */
	synchronized List<String> commands() {
		return new ArrayList<>(this.commands);
	}

	/**
	 * The commands sent since a earlier count.
	 * @param mark the size of {@link #commands()} at that time
	 * @return the commands sent since
	 */
	synchronized List<String> commandsSince(int mark) {
		return new ArrayList<>(this.commands.subList(mark, this.commands.size()));
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
		synchronized (this.sockets) {
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket client = this.serverSocket.accept();
				Socket server = new Socket(this.targetHost, this.targetPort);
				synchronized (this.sockets) {
					this.sockets.add(client);
					this.sockets.add(server);
				}
				pump("redis-proxy-up", client.getInputStream(), server.getOutputStream(), true);
				pump("redis-proxy-down", server.getInputStream(), client.getOutputStream(), false);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void pump(String name, InputStream in, OutputStream out, boolean parse) {
		Thread thread = new Thread(() -> {
			RequestParser parser = new RequestParser();
			byte[] buffer = new byte[8192];
			try {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (parse) {
						parser.accept(buffer, read);
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// connection closed on either side
			}
			finally {
				try {
					out.close();
				}
				catch (IOException ex) {
					// already closed
				}
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
	}

	private synchronized void record(String command) {
		this.commands.add(command.toUpperCase(Locale.ROOT));
	}

	/** Splits a stream of RESP requests (arrays of bulk strings) into commands. */
	private final class RequestParser {

		private static final int ARRAY = 0;

		private static final int ARRAY_LENGTH = 1;

		private static final int BULK = 2;

		private static final int BULK_LENGTH = 3;

		private static final int BULK_DATA = 4;

		private int state = ARRAY;

		private long number;

		private int remainingArguments;

		private long remainingBytes;

		private boolean first;

		private final ByteArrayOutputStream name = new ByteArrayOutputStream();

		void accept(byte[] buffer, int length) {
			for (int i = 0; i < length; i++) {
				byte b = buffer[i];
				switch (this.state) {
					case ARRAY -> {
						if (b == '*') {
							this.number = 0;
							this.state = ARRAY_LENGTH;
						}
					}
					case ARRAY_LENGTH -> {
						if (b == '\n') {
							this.remainingArguments = (int) this.number;
							this.first = true;
							this.name.reset();
							this.state = (this.remainingArguments > 0) ? BULK : ARRAY;
						}
						else if (b >= '0' && b <= '9') {
							this.number = this.number * 10 + (b - '0');
						}
					}
					case BULK -> {
						if (b == '$') {
							this.number = 0;
							this.state = BULK_LENGTH;
						}
					}
					case BULK_LENGTH -> {
						if (b == '\n') {
							this.remainingBytes = this.number + 2;
							this.state = BULK_DATA;
						}
						else if (b >= '0' && b <= '9') {
							this.number = this.number * 10 + (b - '0');
						}
					}
					default -> {
						if (this.first && this.remainingBytes > 2) {
							this.name.write(b);
						}
						this.remainingBytes--;
						if (this.remainingBytes == 0) {
							if (this.first) {
								record(this.name.toString(StandardCharsets.UTF_8));
								this.first = false;
							}
							this.remainingArguments--;
							this.state = (this.remainingArguments > 0) ? BULK : ARRAY;
						}
					}
				}
			}
		}

	}

}
