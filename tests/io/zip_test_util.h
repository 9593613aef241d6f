// Test helpers: read and write zip archives (libzip) to build damaged or malicious torch.save
// checkpoints from the committed fixture.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kinema::test {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;  // name -> bytes, in order

// Every entry of a zip; empty on failure.
ZipEntries read_zip(const std::string& path);
// Writes a fresh zip with stored (uncompressed) entries; false on failure.
bool write_zip(const std::string& path, const ZipEntries& entries);

// Pickle fragments for hand-made data.pkl files.
std::string pickle_binunicode(const std::string& text);  // 'X' + u32 length + bytes
// A torch.save-shaped checkpoint "archive/..." whose data.pkl is `pickle`.
bool write_checkpoint_with_pickle(const std::string& path, const std::string& pickle);

}  // namespace kinema::test
