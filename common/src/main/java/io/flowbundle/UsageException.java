package io.flowbundle;

/**
 * A request that cannot be carried out as asked (a path that does not exist, an option value that
 * does not parse): the user has to change the command, not the data. The CLI exits with 2.
 */
public class UsageException extends FlowbundleException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
