// Package archive writes and reads dsops backup archives.
//
// An archive is a gzip-compressed tar file whose first entry is a manifest
// (ManifestName) listing every folder, file and symbolic link with its mode,
// and for files the size and SHA-256. The manifest comes first so that a
// listing, or a comparison with the previous backup, reads only the start of
// the archive, and so that restore checks each file as it is extracted.
//
// Creating an archive takes two passes over the source folder. Scan hashes
// every file (on all cores) and builds the manifest; Write then streams the
// files into the archive, hashing them again, and fails if a file changed in
// between, so an archive never holds a tree that did not exist. Compression
// runs on all cores (klauspost/pgzip). Create writes the archive atomically.
//
// Extract is the reading side. It refuses any entry that is absolute,
// climbs out with "..", is a link pointing out of the folder, is a device,
// pipe or hard link, or is not listed in the manifest; and it refuses any
// file whose size or SHA-256 differs from the manifest. All writes go through
// an os.Root, so even a chain of links cannot lead outside the target.
package archive
