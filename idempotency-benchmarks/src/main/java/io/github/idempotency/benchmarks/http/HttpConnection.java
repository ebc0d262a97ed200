package io.github.idempotency.benchmarks.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection that sends prepared requests and reads just enough of each response (status,
 * {@code Content-Length}, {@code Idempotent-Replayed}) to go on. Far cheaper than a general client, so that on a
 * small machine the driver takes as little CPU from the server as possible.
 */
final class HttpConnection implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private final InputStream in;

	private final byte[] body = new byte[8192];

	private boolean closing;

	HttpConnection(String host, int port) throws IOException {
		this.socket = new Socket(host, port);
		this.socket.setTcpNoDelay(true);
		this.socket.setSoTimeout(30_000);
		this.out = this.socket.getOutputStream();
		this.in = new BufferedInputStream(this.socket.getInputStream(), 16384);
	}

	/**
	 * Sends one request and reads its response.
	 * @param request the complete request bytes
	 * @return the status, negative when the response was replayed ({@code Idempotent-Replayed: true})
	 * @throws IOException when the connection fails or the response cannot be parsed
	 */
	int send(byte[] request) throws IOException {
		this.out.write(request);
		this.out.flush();
		String statusLine = readLine();
		if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.1 ")) {
			throw new IOException("Unexpected status line: " + statusLine);
		}
		int status = Integer.parseInt(statusLine.substring(9, 12));
		int length = 0;
		boolean chunked = false;
		boolean replayed = false;
		this.closing = false;
		for (String line = readLine(); !line.isEmpty(); line = readLine()) {
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String name = line.substring(0, colon);
			String value = line.substring(colon + 1).trim();
			if (name.equalsIgnoreCase("Content-Length")) {
				length = Integer.parseInt(value);
			}
			else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
				chunked = true;
			}
			else if (name.equalsIgnoreCase("Idempotent-Replayed") && value.equalsIgnoreCase("true")) {
				replayed = true;
			}
			else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
				this.closing = true;
			}
		}
		if (chunked) {
			for (int size = Integer.parseInt(readLine().trim(), 16); size > 0; size = Integer
				.parseInt(readLine().trim(), 16)) {
				skip(size);
				readLine();
			}
			readLine();
		}
		else {
			skip(length);
		}
		return replayed ? -status : status;
	}

	/**
	 * Whether the server closes the connection after the last response ({@code Connection: close}), as Tomcat does
	 * after a 503: the next request needs a new connection.
	 * @return whether it closes
	 */
	boolean closedByServer() {
		return this.closing;
	}

	/**
	 * Sends one request and returns its body as text (for small control requests).
	 * @param request the complete request bytes
	 * @return the body
	 * @throws IOException when the connection fails
	 */
	String fetch(byte[] request) throws IOException {
		this.out.write(request);
		this.out.flush();
		readLine();
		int length = 0;
		boolean chunked = false;
		for (String line = readLine(); !line.isEmpty(); line = readLine()) {
			if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
				length = Integer.parseInt(line.substring(15).trim());
			}
			else if (line.regionMatches(true, 0, "Transfer-Encoding:", 0, 18) && line.contains("chunked")) {
				chunked = true;
			}
		}
		if (!chunked) {
			return new String(this.in.readNBytes(length), StandardCharsets.UTF_8);
		}
		StringBuilder body = new StringBuilder();
		for (int size = Integer.parseInt(readLine().trim(), 16); size > 0; size = Integer
			.parseInt(readLine().trim(), 16)) {
			body.append(new String(this.in.readNBytes(size), StandardCharsets.UTF_8));
			readLine();
		}
		readLine();
		return body.toString();
	}

	private void skip(int length) throws IOException {
		int remaining = length;
		while (remaining > 0) {
			int read = this.in.read(this.body, 0, Math.min(remaining, this.body.length));
			if (read < 0) {
				throw new IOException("Connection closed inside a response body");
			}
			remaining -= read;
		}
	}

	private String readLine() throws IOException {
		StringBuilder line = new StringBuilder(64);
		for (int c = this.in.read(); c != '\n'; c = this.in.read()) {
			if (c < 0) {
				throw new IOException("Connection closed by the server");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
