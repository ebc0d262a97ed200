package io.github.idempotency.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;

/**
 * A response whose body was read completely inside the retry loop, so that a connection that breaks while the body
 * is read is a retryable failure rather than an exception thrown later at the caller.
 */
final class BufferedClientHttpResponse implements ClientHttpResponse {

	private final ClientHttpResponse delegate;

	private final byte[] body;

	private BufferedClientHttpResponse(ClientHttpResponse delegate, byte[] body) {
		this.delegate = delegate;
		this.body = body;
	}

	/**
	 * Reads the whole body of a response; closes the response when reading fails.
	 * @param response the response
	 * @return the buffered response
	 * @throws IOException when the body cannot be read completely
	 */
	static BufferedClientHttpResponse read(ClientHttpResponse response) throws IOException {
		try (InputStream in = response.getBody()) {
			return new BufferedClientHttpResponse(response, StreamUtils.copyToByteArray(in));
		}
		catch (IOException | RuntimeException ex) {
			response.close();
			throw ex;
		}
	}

	@Override
	public HttpStatusCode getStatusCode() throws IOException {
		return this.delegate.getStatusCode();
	}

	@Override
	public String getStatusText() throws IOException {
		return this.delegate.getStatusText();
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.delegate.getHeaders();
	}

	@Override
	public InputStream getBody() {
		return new ByteArrayInputStream(this.body);
	}

	@Override
	public void close() {
		this.delegate.close();
	}

}
