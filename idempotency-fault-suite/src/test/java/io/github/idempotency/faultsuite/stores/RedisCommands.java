package io.github.idempotency.faultsuite.stores;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Administrative commands to one of the suite's own {@code redis-server} children ({@code CONFIG SET},
 * {@code REPLICAOF}, {@code INFO}, filler writes, a listing of every key), over a connection of their own that bypasses
 * the app: RESP spoken by hand, so that the scenario needs no client library of its own.
 */
public final class RedisCommands {

	private RedisCommands() {
	}

	/**
	 * Sends one command and reads its reply.
	 * @param port the server's loopback port
	 * @param command the command and its arguments
	 * @return the reply: a status or bulk string as text, an integer as its digits, an array's elements joined by
	 * new lines, {@code null} for a null reply
	 * @throws RedisError when the server answers an error
	 */
	public static String call(int port, String... command) {
		try (Socket socket = connect(port)) {
			send(socket, command);
			return text(read(new DataInputStream(new BufferedInputStream(socket.getInputStream()))));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("redis-server on port " + port + " did not answer " + command[0], ex);
		}
	}

	/**
	 * Every key in the server with its value, read over one connection with {@code KEYS *} and {@code GET} (for a
	 * server of the suite's own), values decoded as ISO-8859-1 so that every byte survives.
	 * @param port the server's loopback port
	 * @return the keys and values; a key that expired between the two commands has an empty value
	 * @throws RedisError when the server answers an error
	 */
	public static Map<String, String> contents(int port) {
		try (Socket socket = connect(port)) {
			DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
			send(socket, "KEYS", "*");
			List<?> keys = (List<?>) read(in);
			Map<String, String> contents = new LinkedHashMap<>();
			for (Object key : keys) {
				send(socket, "GET", (String) key);
				Object value = read(in);
				contents.put((String) key, (value != null) ? (String) value : "");
			}
			return contents;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("redis-server on port " + port + " did not list its keys", ex);
		}
	}

	/**
	 * One field of {@code INFO}.
	 * @param port the server's loopback port
	 * @param section the section, such as {@code memory} or {@code replication}
	 * @param field the field, such as {@code used_memory}
	 * @return its value, or {@code null} when the section has no such field
	 */
	public static String info(int port, String section, String field) {
		for (String line : call(port, "INFO", section).split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1).trim();
			}
		}
		return null;
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
			socket.setSoTimeout(10_000);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	private static void send(Socket socket, String... command) throws IOException {
		StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
		for (String part : command) {
			request.append('$')
				.append(part.getBytes(StandardCharsets.ISO_8859_1).length)
				.append("\r\n")
				.append(part)
				.append("\r\n");
		}
		socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	// a status, integer or bulk reply as a string, an array as the list of its elements, a null reply as null
	private static Object read(DataInputStream in) throws IOException {
		String line = line(in);
		if (line.isEmpty()) {
			throw new IOException("the connection closed before a reply");
		}
		return switch (line.charAt(0)) {
			case '+', ':' -> line.substring(1);
			case '-' -> throw new RedisError(line.substring(1));
			case '$' -> bulk(in, Integer.parseInt(line.substring(1)));
			case '*' -> {
				int count = Integer.parseInt(line.substring(1));
				List<Object> elements = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					elements.add(read(in));
				}
				yield (count < 0) ? null : elements;
			}
			default -> throw new IOException("unexpected reply " + line);
		};
	}

	private static String text(Object reply) {
		if (reply instanceof List<?> elements) {
			return String.join("\n", elements.stream().map(RedisCommands::text).toList());
		}
		return (String) reply;
	}

	private static String bulk(DataInputStream in, int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] value = new byte[length];
		in.readFully(value);
		line(in);
		return new String(value, StandardCharsets.ISO_8859_1);
	}

	private static String line(DataInputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	/**
	 * An error reply, such as {@code OOM command not allowed when used memory > 'maxmemory'}.
	 */
	public static final class RedisError extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RedisError(String message) {
			super(message);
		}

	}

}
