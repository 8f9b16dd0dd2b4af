//! The device stores: `FileDeviceStore` writes one line atomically with mode `0600`, and refuses
//! oversized, over-shared and corrupt files with typed errors; `MemoryDeviceStore` keeps the
//! storage form and never prints it.

// Helpers outside `#[test]` functions `expect` too (`allow-expect-in-tests` covers only tests).
#![allow(clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use cognito_srp_auth_sdk::{
    DeviceStore, FileDeviceStore, MemoryDeviceStore, Password, RememberedDevice, StoreError,
};

const PASSWORD: &str = "cGFzcw==";
const STORED: &str = "cognito-srp-device/1 us-east-1_0f1e -AbC1 cGFzcw==";
const STORED_2: &str = "cognito-srp-device/1 us-east-1_9a8b +XyZ2 b3RoZXI=";

fn device() -> RememberedDevice {
    RememberedDevice::new("us-east-1_0f1e", "-AbC1", Password::from(PASSWORD)).expect("device")
}

fn device_2() -> RememberedDevice {
    RememberedDevice::new("us-east-1_9a8b", "+XyZ2", Password::from("b3RoZXI=")).expect("device")
}

/// A fresh directory under the system temporary directory, removed on drop (also when the
/// test fails).
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "cognito-srp-auth-sdk-store-{}-{test}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch directory");
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .expect("read scratch directory")
            .map(|entry| {
                entry
                    .expect("directory entry")
                    .file_name()
                    .into_string()
                    .expect("UTF-8 name")
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Write `bytes` to a new file with exactly `mode` (set explicitly, whatever the umask).
#[cfg(unix)]
fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) {
    use std::io::Write as _;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .expect("create file");
    file.write_all(bytes).expect("write file");
    file.sync_all().expect("sync file");
    drop(file);
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("set mode");
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn file_store_round_trip() {
    let scratch = Scratch::new("file_store_round_trip");
    let path = scratch.file("device");
    let mut store = FileDeviceStore::new(&path);
    assert_eq!(store.path(), path.as_path());

    let original = device();
    assert_eq!(original.to_storage_string().as_str(), STORED);
    store.save(&original).expect("save");

    let bytes = fs::read(&path).expect("read device file");
    assert_eq!(bytes, format!("{STORED}\n").into_bytes());

    let loaded = store.load().expect("load").expect("a stored device");
    assert_eq!(
        loaded.to_storage_string().as_str(),
        original.to_storage_string().as_str()
    );
    assert_eq!(loaded.device_key(), "us-east-1_0f1e");
    assert_eq!(loaded.device_group_key(), "-AbC1");
    assert_eq!(loaded.device_key(), original.device_key());
    assert_eq!(loaded.device_group_key(), original.device_group_key());

    // A second store on the same path reads the same device.
    let again = FileDeviceStore::new(&path)
        .load()
        .expect("load")
        .expect("a stored device");
    assert_eq!(again.to_storage_string().as_str(), STORED);
    assert_eq!(scratch.entries(), vec![String::from("device")]);
}

#[cfg(unix)]
#[test]
fn file_store_saves_with_mode_0600() {
    let scratch = Scratch::new("file_store_saves_with_mode_0600");

    let fresh = scratch.file("fresh");
    FileDeviceStore::new(&fresh).save(&device()).expect("save");
    assert_eq!(mode_of(&fresh), 0o600);

    // A target that existed with mode 0644 is replaced by a 0600 file.
    let shared = scratch.file("shared");
    fs::write(&shared, b"old contents\n").expect("write old file");
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o644)).expect("set mode");
    }
    assert_eq!(mode_of(&shared), 0o644);
    let mut store = FileDeviceStore::new(&shared);
    store.save(&device()).expect("save over 0644 file");
    assert_eq!(mode_of(&shared), 0o600);
    assert_eq!(
        fs::read(&shared).expect("read"),
        format!("{STORED}\n").into_bytes()
    );
    let loaded = store.load().expect("load").expect("a stored device");
    assert_eq!(loaded.to_storage_string().as_str(), STORED);
}

#[cfg(unix)]
#[test]
fn file_store_save_replaces_by_rename() {
    use std::os::unix::fs::MetadataExt as _;

    let scratch = Scratch::new("file_store_save_replaces_by_rename");
    let path = scratch.file("device");
    let mut store = FileDeviceStore::new(&path);

    store.save(&device()).expect("first save");
    let first = fs::metadata(&path).expect("metadata").ino();
    assert_eq!(scratch.entries(), vec![String::from("device")]);

    store.save(&device_2()).expect("second save");
    let second = fs::metadata(&path).expect("metadata").ino();
    assert_ne!(
        first, second,
        "the second save must rename a new file over the target"
    );
    assert_eq!(scratch.entries(), vec![String::from("device")]);
    assert_eq!(
        fs::read(&path).expect("read"),
        format!("{STORED_2}\n").into_bytes()
    );
    assert_eq!(mode_of(&path), 0o600);
    let loaded = store.load().expect("load").expect("a stored device");
    assert_eq!(loaded.to_storage_string().as_str(), STORED_2);
    assert_eq!(loaded.device_key(), "us-east-1_9a8b");
    assert_eq!(loaded.device_group_key(), "+XyZ2");
}

#[cfg(unix)]
#[test]
fn file_store_save_clears_stale_temporary_file() {
    let scratch = Scratch::new("file_store_save_clears_stale_temporary_file");
    let path = scratch.file("device");
    let temporary = format!("device.{}.tmp", std::process::id());
    write_with_mode(
        &scratch.file(&temporary),
        b"junk from a crashed writer",
        0o600,
    );
    assert_eq!(scratch.entries(), vec![temporary.clone()]);

    let mut store = FileDeviceStore::new(&path);
    store
        .save(&device())
        .expect("save despite a stale temporary file");
    assert_eq!(scratch.entries(), vec![String::from("device")]);
    assert_eq!(
        fs::read(&path).expect("read"),
        format!("{STORED}\n").into_bytes()
    );
    assert_eq!(mode_of(&path), 0o600);
    let loaded = store.load().expect("load").expect("a stored device");
    assert_eq!(loaded.to_storage_string().as_str(), STORED);
}

#[cfg(unix)]
#[test]
fn file_store_refuses_corrupt_files() {
    let scratch = Scratch::new("file_store_refuses_corrupt_files");
    let cases: [(&str, &[u8]); 11] = [
        ("hello", b"hello"),
        ("two-fields", b"cognito-srp-device/1 onlytwo fields"),
        (
            "two-fields-newline",
            b"cognito-srp-device/1 onlytwo fields\n",
        ),
        ("empty", b""),
        ("newline-only", b"\n"),
        (
            "wrong-tag",
            b"cognito-srp-device/2 us-east-1_0f1e -AbC1 cGFzcw==\n",
        ),
        ("no-tag", b"us-east-1_0f1e -AbC1 cGFzcw==\n"),
        (
            "two-newlines",
            b"cognito-srp-device/1 us-east-1_0f1e -AbC1 cGFzcw==\n\n",
        ),
        (
            "crlf",
            b"cognito-srp-device/1 us-east-1_0f1e -AbC1 cGFzcw==\r\n",
        ),
        (
            "double-space",
            b"cognito-srp-device/1 us-east-1_0f1e  -AbC1 cGFzcw==\n",
        ),
        ("invalid-utf8", &[0xff, 0xfe, 0x00]),
    ];
    for (name, bytes) in cases {
        let path = scratch.file(name);
        write_with_mode(&path, bytes, 0o600);
        let result = FileDeviceStore::new(&path).load();
        assert!(
            matches!(result, Err(StoreError::Corrupt)),
            "{name}: expected Err(Corrupt), got {result:?}"
        );
        let message = result.expect_err("error").to_string();
        assert_eq!(message, "the stored text is not a remembered device");
        assert!(!message.contains(PASSWORD), "{name}: {message}");
        // The file is left as it was.
        assert_eq!(fs::read(&path).expect("read"), bytes, "{name}");
    }

    // 4096 bytes that are not a device: within the limit, so Corrupt rather than TooLarge.
    let path = scratch.file("junk-4096");
    write_with_mode(&path, &[b'x'; 4096], 0o600);
    let result = FileDeviceStore::new(&path).load();
    assert!(
        matches!(result, Err(StoreError::Corrupt)),
        "junk-4096: expected Err(Corrupt), got {result:?}"
    );
}

#[cfg(unix)]
#[test]
fn file_store_size_limit() {
    let scratch = Scratch::new("file_store_size_limit");
    assert_eq!(FileDeviceStore::MAX_LEN, 4096);

    // One byte over the limit: refused before parsing.
    let path = scratch.file("large");
    write_with_mode(&path, &[b'x'; 4097], 0o600);
    let result = FileDeviceStore::new(&path).load();
    assert!(
        matches!(result, Err(StoreError::TooLarge)),
        "expected Err(TooLarge), got {result:?}"
    );
    let message = result.expect_err("error").to_string();
    assert_eq!(message, "the device file is too large to be a device");
    assert!(!message.contains(PASSWORD));

    // A valid device padded (by a long password) to 4097 bytes with its newline is refused too.
    let head = "cognito-srp-device/1 us-east-1_0f1e -AbC1 ";
    let long_password = "A".repeat(4097 - head.len() - 1);
    let text = format!("{head}{long_password}\n");
    assert_eq!(text.len(), 4097);
    let path = scratch.file("large-device");
    write_with_mode(&path, text.as_bytes(), 0o600);
    let result = FileDeviceStore::new(&path).load();
    assert!(
        matches!(result, Err(StoreError::TooLarge)),
        "expected Err(TooLarge), got {result:?}"
    );

    // Exactly 4096 bytes holding a valid device loads: the limit is inclusive.
    let long_password = "A".repeat(4096 - head.len() - 1);
    let text = format!("{head}{long_password}\n");
    assert_eq!(text.len(), 4096);
    let path = scratch.file("limit-device");
    write_with_mode(&path, text.as_bytes(), 0o600);
    let loaded = FileDeviceStore::new(&path)
        .load()
        .expect("load")
        .expect("a stored device");
    assert_eq!(loaded.device_key(), "us-east-1_0f1e");
    assert_eq!(loaded.device_group_key(), "-AbC1");
    assert_eq!(
        loaded.to_storage_string().as_str(),
        text.strip_suffix('\n').expect("newline")
    );
}

#[cfg(unix)]
#[test]
fn file_store_refuses_shared_files() {
    let scratch = Scratch::new("file_store_refuses_shared_files");
    let stored = format!("{STORED}\n");

    for (name, mode) in [
        ("0644", 0o644),
        ("0640", 0o640),
        ("0604", 0o604),
        ("0660", 0o660),
        ("0666", 0o666),
        ("0602", 0o602),
    ] {
        let path = scratch.file(name);
        write_with_mode(&path, stored.as_bytes(), mode);
        assert_eq!(mode_of(&path), mode, "{name}");
        let result = FileDeviceStore::new(&path).load();
        assert!(
            matches!(result, Err(StoreError::Permissions { mode: m }) if m == mode),
            "{name}: expected Err(Permissions {{ mode: {mode:o} }}), got {result:?}"
        );
        let message = result.expect_err("error").to_string();
        assert_eq!(
            message,
            format!(
                "the device file has mode {mode:04o}; others than its owner may read it (0600 expected)"
            )
        );
        assert!(!message.contains(PASSWORD), "{name}: {message}");
    }

    // The mode the brief names, checked on its own with the exact variant.
    let path = scratch.file("0644");
    let result = FileDeviceStore::new(&path).load();
    assert!(
        matches!(result, Err(StoreError::Permissions { mode: 0o644 })),
        "expected Err(Permissions {{ mode: 0o644 }}), got {result:?}"
    );

    // Owner-only modes other than 0600 are accepted.
    let path = scratch.file("0400");
    write_with_mode(&path, stored.as_bytes(), 0o400);
    let loaded = FileDeviceStore::new(&path)
        .load()
        .expect("load")
        .expect("a stored device");
    assert_eq!(loaded.to_storage_string().as_str(), STORED);
}

#[test]
fn file_store_missing_file_and_remove() {
    let scratch = Scratch::new("file_store_missing_file_and_remove");
    let path = scratch.file("device");
    let mut store = FileDeviceStore::new(&path);

    assert!(matches!(store.load(), Ok(None)));
    assert!(matches!(store.remove(), Ok(())));
    assert!(scratch.entries().is_empty());

    store.save(&device()).expect("save");
    assert!(path.exists());
    assert!(matches!(store.remove(), Ok(())));
    assert!(!path.exists());
    assert!(scratch.entries().is_empty());
    assert!(matches!(store.load(), Ok(None)));
    assert!(matches!(store.remove(), Ok(())));

    // A store whose directory does not exist: load is no device, save is an I/O error.
    let mut nowhere = FileDeviceStore::new(scratch.path().join("missing-dir").join("device"));
    assert!(matches!(nowhere.load(), Ok(None)));
    assert!(matches!(nowhere.remove(), Ok(())));
    let result = nowhere.save(&device());
    assert!(
        matches!(result, Err(StoreError::Io(_))),
        "expected Err(Io), got {result:?}"
    );
    assert!(!result.expect_err("error").to_string().contains(PASSWORD));
    assert!(scratch.entries().is_empty());
}

#[test]
fn memory_store() {
    let mut store = MemoryDeviceStore::new();
    assert!(store.is_empty());
    assert!(matches!(store.load(), Ok(None)));
    assert_eq!(format!("{store:?}"), "MemoryDeviceStore(<empty>)");
    assert!(matches!(store.remove(), Ok(())));
    assert!(store.is_empty());

    let original = device();
    store.save(&original).expect("save");
    assert!(!store.is_empty());
    let loaded = store.load().expect("load").expect("a stored device");
    assert_eq!(
        loaded.to_storage_string().as_str(),
        original.to_storage_string().as_str()
    );
    assert_eq!(loaded.to_storage_string().as_str(), STORED);
    assert_eq!(loaded.device_key(), "us-east-1_0f1e");
    assert_eq!(loaded.device_group_key(), "-AbC1");
    let debug = format!("{store:?}");
    assert_eq!(debug, "MemoryDeviceStore(<device>)");
    assert!(!debug.contains(PASSWORD));
    let debug = format!("{store:#?}");
    assert!(!debug.contains(PASSWORD), "{debug}");

    // Loading does not take the device out.
    assert!(!store.is_empty());
    let again = store.load().expect("load").expect("a stored device");
    assert_eq!(again.to_storage_string().as_str(), STORED);

    // A second save replaces the first.
    store.save(&device_2()).expect("save");
    let loaded = store.load().expect("load").expect("a stored device");
    assert_eq!(loaded.to_storage_string().as_str(), STORED_2);

    assert!(matches!(store.remove(), Ok(())));
    assert!(store.is_empty());
    assert!(matches!(store.load(), Ok(None)));
    assert_eq!(format!("{store:?}"), "MemoryDeviceStore(<empty>)");
}

#[test]
fn default_memory_store_is_empty() {
    let mut store = MemoryDeviceStore::default();
    assert!(store.is_empty());
    assert!(matches!(store.load(), Ok(None)));
    assert_eq!(format!("{store:?}"), "MemoryDeviceStore(<empty>)");
}

/// Saves from several threads of one process to one file take turns: every save succeeds,
/// no temporary file is left, and the file holds a whole device.
#[test]
fn concurrent_saves_to_one_file_take_turns() {
    let scratch = Scratch::new("concurrent_saves_to_one_file_take_turns");
    let path = scratch.file("device");
    std::thread::scope(|threads| {
        for _ in 0..4 {
            threads.spawn(|| {
                let mut store = FileDeviceStore::new(&path);
                for _ in 0..25 {
                    store.save(&device()).expect("save");
                }
            });
        }
    });
    assert_eq!(scratch.entries(), vec![String::from("device")]);
    let loaded = FileDeviceStore::new(&path)
        .load()
        .expect("load")
        .expect("a stored device");
    assert_eq!(
        loaded.to_storage_string().as_str(),
        device().to_storage_string().as_str()
    );
}
