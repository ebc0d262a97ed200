package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a free loopback port, in the suite's JVM, that a scenario can point elsewhere or cut: the
 * stand-in for what moves a client to a promoted Redis (a floating address, a DNS name a failover updates, a
 * managed service's endpoint) and for a network partition on a replication link.
 * <p>
 * {@link #retarget} and {@link #cut} close every connection in flight, as a failed-over address does: clients see
 * their connection reset and reconnect; bytes not yet forwarded are lost.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile int targetPort;

	private volatile boolean cut;

	private TcpProxy(ServerSocket listener, int targetPort) {
		this.listener = listener;
		this.targetPort = targetPort;
	}

	/**
	 * Starts forwarding.
	 * @param targetPort the loopback port to forward to
	 * @return the running proxy
	 */
	public static TcpProxy start(int targetPort) {
		try {
			TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
			daemon("proxy-accept-" + proxy.port(), proxy::accept).start();
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * Forwards new connections to another port, and resets those in flight.
	 * @param port the new target
	 */
	public void retarget(int port) {
		synchronized (this.open) {
			this.targetPort = port;
			this.cut = false;
			closeConnections();
		}
	}

	/** Resets every connection and refuses new ones (accepts and closes them) until {@link #retarget}. */
	public void cut() {
		synchronized (this.open) {
			this.cut = true;
			closeConnections();
		}
	}

	@Override
	public void close() {
		this.cut = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing: nothing left to forward
		}
		closeConnections();
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			Socket client;
			try {
				client = this.listener.accept();
			}
			catch (IOException ex) {
				return;
			}
			Socket server = new Socket();
			// under the lock that retarget and cut take, so that no connection to the old target outlives them
			synchronized (this.open) {
				try {
					if (this.cut) {
						throw new IOException("cut");
					}
					server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5_000);
				}
				catch (IOException ex) {
					// cut, or the target is down: the client sees its connection closed at once
					closeQuietly(client);
					closeQuietly(server);
					continue;
				}
				this.open.add(client);
				this.open.add(server);
			}
			daemon("proxy-up-" + port(), () -> pump(client, server)).start();
			daemon("proxy-down-" + port(), () -> pump(server, client)).start();
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// either side went away: close both below
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void closeConnections() {
		synchronized (this.open) {
			for (Socket socket : this.open) {
				closeQuietly(socket);
			}
		}
	}

	private void closeQuietly(Socket socket) {
		this.open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
