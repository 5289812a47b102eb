/** A step of a simulated machine failed in a way its firmware would notice. */
final class StormFailure extends Exception {
    StormFailure(String message) {
        super(message);
    }
}
