package io.flowbundle.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Folder trees (partition folders {@code date=.../}) through Flink's {@link FileSystem}, the same
 * on a local disk and on object storage. On S3 a "folder" is a key prefix: listing one costs a LIST
 * request (1,000 keys a page) and deleting a tree costs one request per 1,000 keys: both are cheap,
 * whereas a rename is a copy of every byte plus a delete (see docs/ARCHITECTURE.md).
 */
public final class FileTrees {

    private FileTrees() {}

    /** Every file under {@code root} (recursively), or none when {@code root} does not exist. */
    public static List<FileStatus> listFiles(Path root) throws IOException {
        FileSystem fs = root.getFileSystem();
        List<FileStatus> files = new ArrayList<>();
        if (fs.exists(root)) {
            collect(fs, root, files);
        }
        return files;
    }

    private static void collect(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
        FileStatus[] children;
        try {
            children = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            // deleted since its parent was listed (a commit or cleanup at work; on S3Proxy's
            // filesystem store, the empty folder a deleted prefix leaves behind)
            return;
        }
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            if (child.isDir()) {
                collect(fs, child.getPath(), out);
            } else {
                out.add(child);
            }
        }
    }

    /** Deletes {@code root} and everything under it; false when there was nothing to delete. */
    public static boolean deleteRecursively(Path root) throws IOException {
        FileSystem fs = root.getFileSystem();
        return fs.exists(root) && fs.delete(root, true);
    }
}
