package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for child processes, each handed out once per run: a child binds its port only seconds after
 * it is chosen, and the operating system may offer the same free port again meanwhile; two children started at once
 * would then share one, and one child's health probe or requests would reach the other.
 */
public final class FreePorts {

	private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

	private FreePorts() {
	}

	/**
	 * A port that was free a moment ago and that no other call of this run returned.
	 * @return the port
	 */
	public static int next() {
		while (true) {
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			if (handedOut.add(port)) {
				return port;
			}
		}
	}

}
