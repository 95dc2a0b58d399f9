package splio_sms;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A splio-sms client over the C library (libsplio_sms.so) through JNA: one
 * universe, its key and its connection pool. Requests, settings and results
 * are the JSON documents of the C ABI (see include/splio_sms.h and the
 * README), passed and returned as Strings, always as UTF-8 whatever the
 * locale or {@code jna.encoding}.
 *
 * <pre>{@code
 * try (Client client = new Client("{\"universe\": \"my_universe\", \"key\": \"my_api_key\"}")) {
 *     String result = client.send("{\"message\": \"AbCdEf123\", \"rcpts\": [{\"cellphone\": \"+33612345678\"}]}");
 * } catch (SplioException e) {
 *     // e.statusName(), e.kind(), e.document()
 * }
 * }</pre>
 *
 * The library is the file named by the {@code SPLIO_SMS_LIBRARY} variable,
 * else {@code libsplio_sms.so} from {@code -Djna.library.path=DIR}, else
 * from the system's library path.
 *
 * <p>A Client may be shared by many threads. {@link #close()} waits for the
 * calls in progress, frees the handle, and may be called again; any other
 * call after it throws IllegalStateException. A null JSON argument is the
 * library's {@code SPLIO_ERR_INVALID_ARGUMENT}; a String a C string cannot
 * carry (a NUL character, an unpaired surrogate) is IllegalArgumentException.
 */
public final class Client implements AutoCloseable {
    /** Status values of include/splio_sms.h; values are never reused. */
    public static final int SPLIO_OK = 0;
    public static final int SPLIO_ERR_INVALID_ARGUMENT = 1;
    public static final int SPLIO_ERR_VALIDATION = 2;
    public static final int SPLIO_ERR_AUTH = 3;
    public static final int SPLIO_ERR_BAD_REQUEST = 4;
    public static final int SPLIO_ERR_INSUFFICIENT_CREDIT = 5;
    public static final int SPLIO_ERR_RATE_LIMITED = 6;
    public static final int SPLIO_ERR_SERVER = 7;
    public static final int SPLIO_ERR_TIMEOUT = 8;
    public static final int SPLIO_ERR_TRANSPORT = 9;
    public static final int SPLIO_ERR_PROTOCOL = 10;
    public static final int SPLIO_ERR_PARTIAL = 11;
    public static final int SPLIO_ERR_INTERNAL = 12;

    // Sends hold the read lock and close() the write lock: the C ABI forbids
    // freeing a client while another thread uses it, and that would crash the JVM.
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private Pointer handle;

    /**
     * Makes a client from a settings JSON object
     * ({@code {"universe": "...", "key": "...", "timeout_ms": 5000}}).
     *
     * @throws SplioException {@code SPLIO_ERR_INVALID_ARGUMENT} for bad settings
     */
    public Client(String settingsJson) throws SplioException {
        byte[] settings = cString(settingsJson, "settingsJson");
        PointerByReference out = new PointerByReference();
        PointerByReference json = new PointerByReference();
        int status = lib().splio_client_new(settings, out, json);
        check(status, take(json));
        handle = out.getValue();
    }

    /** Sends one request; returns the success document {@code {"status": "ok", "result": {...}, ...}}. */
    public String send(String requestJson) throws SplioException {
        return send(requestJson, null);
    }

    /**
     * {@link #send(String)} with options JSON, or null for none: the guards
     * {@code {"text": "Hello $firstname$", "max_segments": 2}}. With
     * {@code text}, the design's text, a recipient left with an empty
     * placeholder is refused; with {@code max_segments} too, so is one whose
     * SMS needs more parts. A refusal is {@code SPLIO_ERR_VALIDATION}, one
     * problem per recipient concerned ({@code "path": "rcpts[3]"}), made before
     * any byte leaves.
     */
    public String send(String requestJson, String optionsJson) throws SplioException {
        byte[] request = cString(requestJson, "requestJson");
        byte[] options = cString(optionsJson, "optionsJson");
        PointerByReference json = new PointerByReference();
        lock.readLock().lock();
        try {
            int status = lib().splio_client_send_with(live(), request, options, json);
            return check(status, take(json));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Sends the recipients in {@code batch_size} pieces; returns the batch
     * report when every piece was accepted. Otherwise throws, with the
     * report as {@link SplioException#document()} once pieces were sent
     * ({@code SPLIO_ERR_PARTIAL} when some were accepted).
     */
    public String sendBatch(String requestJson) throws SplioException {
        return sendBatch(requestJson, null);
    }

    /**
     * {@link #sendBatch(String)} with options JSON, or null for none:
     * {@code {"journal": "/var/lib/app/campaign-42.journal", "include_unknown": false, "only": [3, 17]}},
     * and the guards of {@link #send(String, String)}: {@code "text"}, {@code "max_segments"}.
     */
    public String sendBatch(String requestJson, String optionsJson) throws SplioException {
        byte[] request = cString(requestJson, "requestJson");
        byte[] options = cString(optionsJson, "optionsJson");
        PointerByReference json = new PointerByReference();
        lock.readLock().lock();
        try {
            int status = lib().splio_client_send_batch_with(live(), request, options, json);
            return check(status, take(json));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the client and its connections; later calls throw IllegalStateException. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle != null) {
                lib().splio_client_free(handle);
                handle = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Checks a request without sending it (no client, no network).
     *
     * @throws SplioException {@code SPLIO_ERR_VALIDATION} listing every problem in {@code error.problems}
     */
    public static void validate(String requestJson) throws SplioException {
        byte[] request = cString(requestJson, "requestJson");
        PointerByReference json = new PointerByReference();
        check(lib().splio_validate(request, json), take(json));
    }

    /**
     * {@link #validate(String)} with the settings that change validation
     * ({@code {"default_country": "FR", "duplicates": "dedupe"}}); null is the defaults.
     */
    public static void validate(String settingsJson, String requestJson) throws SplioException {
        byte[] settings = cString(settingsJson, "settingsJson");
        byte[] request = cString(requestJson, "requestJson");
        PointerByReference json = new PointerByReference();
        check(lib().splio_validate_with(settings, request, json), take(json));
    }

    /**
     * {@link #validate(String, String)} with options JSON, or null for none:
     * the guards of {@link #send(String, String)}, checked after every other rule.
     */
    public static void validate(String settingsJson, String requestJson, String optionsJson) throws SplioException {
        byte[] settings = cString(settingsJson, "settingsJson");
        byte[] request = cString(requestJson, "requestJson");
        byte[] options = cString(optionsJson, "optionsJson");
        PointerByReference json = new PointerByReference();
        check(lib().splio_validate_with_options(settings, request, options, json), take(json));
    }

    /** Renders a design's text for each recipient without sending: {@code {"text": "Hello $firstname$", "rcpts": [...]}}. */
    public static String preview(String previewJson) throws SplioException {
        byte[] preview = cString(previewJson, "previewJson");
        PointerByReference json = new PointerByReference();
        return check(lib().splio_preview(preview, json), take(json));
    }

    /** The library's version, e.g. {@code "0.1.0"}. */
    public static String version() {
        return lib().splio_version().getString(0, "UTF-8");
    }

    /** The name of a status, e.g. {@code "SPLIO_ERR_AUTH"}; {@code "SPLIO_UNKNOWN_STATUS"} for an unknown value. */
    public static String statusName(int status) {
        return lib().splio_status_name(status).getString(0, "UTF-8");
    }

    private static SplioLibrary lib() {
        return SplioLibrary.Holder.LIB;
    }

    private Pointer live() {
        if (handle == null) {
            throw new IllegalStateException("this splio_sms.Client is closed");
        }
        return handle;
    }

    private static String check(int status, String document) throws SplioException {
        if (status != SPLIO_OK) {
            throw new SplioException(status, statusName(status), document);
        }
        return document;
    }

    /** Copies a library string out as UTF-8 and releases it. */
    private static String take(PointerByReference json) {
        Pointer p = json.getValue();
        if (p == null) {
            return null;
        }
        try {
            return p.getString(0, "UTF-8");
        } finally {
            lib().splio_string_free(p);
        }
    }

    /** The NUL-terminated UTF-8 bytes of s; null stays null (the library refuses it by name). */
    static byte[] cString(String s, String what) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character, which a C string cannot carry");
        }
        ByteBuffer utf8;
        try {
            // A strict encoder: getBytes() would turn an unpaired surrogate into '?' silently.
            utf8 = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid Unicode (an unpaired surrogate)", e);
        }
        byte[] out = new byte[utf8.remaining() + 1];
        utf8.get(out, 0, out.length - 1);
        return out;
    }
}
