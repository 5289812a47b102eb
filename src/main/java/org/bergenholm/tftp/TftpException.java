package org.bergenholm.tftp;

/** A request the server refuses; carries the TFTP error code sent back to the client. */
final class TftpException extends Exception {
    final int code;

    TftpException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
