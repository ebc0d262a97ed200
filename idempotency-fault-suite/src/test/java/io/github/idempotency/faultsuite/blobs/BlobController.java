package io.github.idempotency.faultsuite.blobs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.idempotency.spring.Idempotent;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /fault-suite/blobs?size=N}: an idempotent method that answers 201 with {@code N} bytes of
 * {@link #content} streamed in chunks, never held whole in memory (so a full heap is the capture's, not the
 * method's), and counts its executions ({@code GET /fault-suite/blobs/executions}). It keeps nothing per request,
 * so that a long run's heap holds only what the library keeps.
 */
// not final: the idempotency advisor proxies it with a subclass
@RestController
class BlobController {

	private static final int CHUNK = 64 * 1024;

	private final AtomicLong executions = new AtomicLong();

	@PostMapping("/fault-suite/blobs")
	@Idempotent(name = "blobs")
	void blob(@RequestParam long size, HttpServletResponse response) throws IOException {
		this.executions.incrementAndGet();
		response.setStatus(201);
		response.setContentType("application/octet-stream");
		byte[] chunk = new byte[CHUNK];
		OutputStream out = response.getOutputStream();
		for (long written = 0; written < size; written += chunk.length) {
			int length = (int) Math.min(chunk.length, size - written);
			for (int i = 0; i < length; i++) {
				chunk[i] = content(written + i);
			}
			out.write(chunk, 0, length);
		}
	}

	/** Executions since the app started: {@code {"total": N}}. */
	@GetMapping("/fault-suite/blobs/executions")
	Map<String, Long> executions() {
		return Map.of("total", this.executions.get());
	}

	/**
	 * The byte at a position of every blob, so that a client checks a body without the server's copy.
	 * @param position the position
	 * @return the byte
	 */
	static byte content(long position) {
		return (byte) (position % 251);
	}

}
