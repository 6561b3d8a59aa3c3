package dev.outrigger.rest.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts what is read and throws {@link RequestTooLargeException} once more than the limit has come. */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private final String what;
    private long count;

    /** @param what names the limit in the message, e.g. {@code httpMaxRequestSize} */
    LimitedInputStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            count(skipped);
        }
        return skipped;
    }

    // mark/reset would let a reader re-count bytes; nothing here needs them
    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws RequestTooLargeException {
        count += n;
        if (count > limit) {
            throw new RequestTooLargeException(message(limit, what));
        }
    }

    static String message(long limit, String what) {
        return "Request body is larger than " + limit + " bytes (" + what + ")";
    }
}
