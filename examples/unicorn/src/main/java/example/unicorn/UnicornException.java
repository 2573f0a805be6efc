package example.unicorn;

/** A Unicorn call failed; the message is Unicorn's own ({@code uc_strerror}). */
public final class UnicornException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the failing call and Unicorn's reason
     */
    public UnicornException(String message) {
        super(message);
    }
}
