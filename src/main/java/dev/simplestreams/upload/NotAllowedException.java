package dev.simplestreams.upload;

/** The server's configuration forbids this write; {@link #setting()} names the switch that would allow it. */
public class NotAllowedException extends UploadException {

    private final String setting;

    public NotAllowedException(String setting, String message) {
        super(message);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
