package io.github.idempotency.faultsuite.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 written byte by byte, for requests that {@link java.net.http.HttpClient} refuses to send: control
 * characters or raw UTF-8 in a header, a header sent twice, a folded header.
 */
public final class RawHttp {

	private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");

	private RawHttp() {
	}

	/**
	 * Posts a payment as a user with the given raw header block for the key.
	 * @param app the instance
	 * @param user the demo user
	 * @param keyHeaders the key's header lines, each ending in CRLF, as raw bytes
	 * @param json the body
	 * @return the status and the problem type, if any
	 */
	public static Answer postPayment(ChildApp app, String user, byte[] keyHeaders, String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		URI uri = app.uri("/payments");
		String authorization = Base64.getEncoder()
			.encodeToString((user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8));
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.writeBytes(("POST /payments HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nAuthorization: Basic "
				+ authorization + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
				+ "\r\nConnection: close\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		request.writeBytes(keyHeaders);
		request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		request.writeBytes(body);
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setSoTimeout(60_000);
			socket.getOutputStream().write(request.toByteArray());
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			int status = Integer.parseInt(response.substring(9, 12));
			Matcher matcher = PROBLEM_TYPE.matcher(response);
			return new Answer(status, matcher.find() ? matcher.group(1) : null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * An answer.
	 *
	 * @param status the HTTP status
	 * @param problemType the problem's {@code type}, or {@code null}
	 */
	public record Answer(int status, String problemType) {
	}

}
