//! Where a remembered device is kept between sign-ins: [`DeviceStore`], with an in-memory
//! store and a file store.

use std::fmt;
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use cognito_srp_auth::RememberedDevice;
use zeroize::Zeroizing;

/// Where one user's remembered device is kept between sign-ins (use one store per user and
/// pool). A sign-in loads the device from it, saves the device Cognito asked to remember and
/// removes a device Cognito no longer knows.
pub trait DeviceStore: Send {
    /// The stored device, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be read or holds something that is not a device.
    fn load(&mut self) -> Result<Option<RememberedDevice>, StoreError>;

    /// Keep `device`, replacing any stored one.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be written.
    fn save(&mut self, device: &RememberedDevice) -> Result<(), StoreError>;

    /// Forget the stored device (nothing stored is not an error).
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be written.
    fn remove(&mut self) -> Result<(), StoreError>;
}

/// Why a device store failed. Never prints the device password.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// Reading or writing failed.
    Io(io::Error),
    /// The stored text is not a device in the form
    /// [`RememberedDevice::to_storage_string`] writes.
    Corrupt,
    /// The file is larger than a device can be ([`FileDeviceStore::MAX_LEN`] bytes).
    TooLarge,
    /// The file can be read or written by other users than its owner (mode `0600` expected).
    Permissions {
        /// The file's permission bits.
        mode: u32,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Corrupt => f.write_str("the stored text is not a remembered device"),
            Self::TooLarge => f.write_str("the device file is too large to be a device"),
            Self::Permissions { mode } => write!(
                f,
                "the device file has mode {mode:04o}; others than its owner may read it (0600 expected)"
            ),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for StoreError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// A device kept in memory (for tests, and for applications that keep it elsewhere and
/// hand it over). Holds it in its storage form, wiped on drop.
#[derive(Default)]
pub struct MemoryDeviceStore(Option<Zeroizing<String>>);

impl MemoryDeviceStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a device is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl fmt::Debug for MemoryDeviceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.0.is_some() {
            "<device>"
        } else {
            "<empty>"
        };
        f.debug_tuple("MemoryDeviceStore")
            .field(&format_args!("{state}"))
            .finish()
    }
}

impl DeviceStore for MemoryDeviceStore {
    fn load(&mut self) -> Result<Option<RememberedDevice>, StoreError> {
        self.0
            .as_deref()
            .map(|text| {
                RememberedDevice::from_storage_string(text).map_err(|_| StoreError::Corrupt)
            })
            .transpose()
    }

    fn save(&mut self, device: &RememberedDevice) -> Result<(), StoreError> {
        self.0 = Some(device.to_storage_string());
        Ok(())
    }

    fn remove(&mut self) -> Result<(), StoreError> {
        self.0 = None;
        Ok(())
    }
}

/// A device kept in one file, in the form [`RememberedDevice::to_storage_string`] writes
/// (one line: `cognito-srp-device/1 <key> <group key> <password>`).
///
/// - Writes are atomic: the text goes to a new file beside the target (created with mode
///   `0600` on Unix, so no other user can read it at any moment), is synced, and is renamed
///   over the target; a reader sees the old device or the new one, never a mix.
/// - Reads refuse a file larger than [`MAX_LEN`](Self::MAX_LEN) bytes, a file other users
///   may read or write (Unix), and text that is not a device ([`StoreError::Corrupt`]).
/// - A missing file is no device.
#[derive(Debug, Clone)]
pub struct FileDeviceStore {
    path: PathBuf,
}

impl FileDeviceStore {
    /// The largest file read: a device's storage form is about 180 bytes.
    pub const MAX_LEN: u64 = 4096;

    /// The store at `path` (the file need not exist; its directory must).
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn temporary_path(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(std::ffi::OsStr::to_os_string)
            .unwrap_or_default();
        name.push(format!(".{}.tmp", std::process::id()));
        self.path.with_file_name(name)
    }
}

#[cfg(unix)]
fn owner_only(options: &mut fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt as _;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn owner_only(_: &mut fs::OpenOptions) {}

#[cfg(unix)]
fn check_mode(metadata: &fs::Metadata) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(StoreError::Permissions { mode });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_: &fs::Metadata) -> Result<(), StoreError> {
    Ok(())
}

impl DeviceStore for FileDeviceStore {
    fn load(&mut self) -> Result<Option<RememberedDevice>, StoreError> {
        let mut file = match fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let metadata = file.metadata()?;
        check_mode(&metadata)?;
        if metadata.len() > Self::MAX_LEN {
            return Err(StoreError::TooLarge);
        }
        // Read into a buffer that never grows (a grown buffer would leave a copy of the
        // password in the freed block), and wipe it on every path.
        let mut bytes = Zeroizing::new(Vec::with_capacity(
            usize::try_from(Self::MAX_LEN).unwrap_or(4096) + 1,
        ));
        (&mut file)
            .take(Self::MAX_LEN + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > Self::MAX_LEN {
            return Err(StoreError::TooLarge);
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| StoreError::Corrupt)?;
        let text = text.strip_suffix('\n').unwrap_or(text);
        RememberedDevice::from_storage_string(text)
            .map(Some)
            .map_err(|_| StoreError::Corrupt)
    }

    fn save(&mut self, device: &RememberedDevice) -> Result<(), StoreError> {
        /// Saves of this process take turns: two at once (two sign-ins) would share the
        /// temporary file, and one could rename the other's half-written file into place.
        static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = SAVING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = device.to_storage_string();
        let temporary = self.temporary_path();
        let _ = fs::remove_file(&temporary);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        owner_only(&mut options);
        let written = options.open(&temporary).and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()
        });
        let renamed = written.and_then(|()| fs::rename(&temporary, &self.path));
        if let Err(e) = renamed {
            let _ = fs::remove_file(&temporary);
            return Err(e.into());
        }
        // The rename is durable once the directory is synced (where directories can be
        // opened; not on Windows).
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(dir) = fs::File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn remove(&mut self) -> Result<(), StoreError> {
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}
