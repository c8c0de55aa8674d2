package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"yizhan/domain"
)

// Backup writes a consistent copy of the station database to path while the
// station keeps working. Only the head of station may: the copy holds every
// applicant's data. It is written for its owner only (mode 0600) and is
// audited.
//
// With recipients (age public keys, "age1..."), the copy is encrypted to
// them: for copies that leave the PC (a USB stick, the county's archive),
// which then reveal nothing without the matching identity. The plain
// snapshot is made in the station's own data folder, never beside path,
// and removed once encrypted.
func (s *Station) Backup(ctx context.Context, a Actor, path string, recipients ...string) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	if err := requireRole(a, RoleHead); err != nil {
		return err
	}
	rs, err := parseRecipients(recipients)
	if err != nil {
		return err
	}
	how := "plain"
	if len(rs) > 0 {
		how = fmt.Sprintf("encrypted to %d recipient(s)", len(rs))
	}
	if err := s.update(ctx, func(tx Tx) error {
		return s.audit(tx, a, "station.backup", path, "all", "backup", how)
	}); err != nil {
		return err
	}
	if len(rs) == 0 {
		return s.store.Backup(ctx, path)
	}
	return s.encryptedBackup(ctx, path, rs)
}

func parseRecipients(list []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, r := range list {
		r = strings.TrimSpace(r)
		if r == "" || strings.HasPrefix(r, "#") {
			continue
		}
		rc, err := age.ParseX25519Recipient(r)
		if err != nil {
			return nil, domain.Errorf(domain.EInvalid, "备份加密公钥格式不正确（应以 age1 开头）。", "backup recipient %q: %v", r, err)
		}
		out = append(out, rc)
	}
	return out, nil
}

// ReadRecipients reads age recipients from a file, one a line; blank lines
// and lines starting with # are skipped.
func ReadRecipients(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "无法读取加密公钥文件："+path, "recipients file: %v", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, domain.Errorf(domain.EInvalid, "加密公钥文件中没有公钥："+path, "recipients file %s: no recipient", path)
	}
	return out, nil
}

// encryptedBackup snapshots the database inside the data folder, encrypts
// the snapshot to path (through path.tmp, renamed into place) and removes
// the snapshot.
func (s *Station) encryptedBackup(ctx context.Context, path string, rs []age.Recipient) error {
	f, err := os.CreateTemp(s.cfg.Dir, ".backup-*.db")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	snap := f.Name()
	f.Close()
	os.Remove(snap) // db.Backup writes it afresh, with its own temp and rename
	defer os.Remove(snap)
	if err := s.store.Backup(ctx, snap); err != nil {
		return err
	}
	in, err := os.Open(snap)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer in.Close()
	tmp := path + ".tmp"
	os.Remove(tmp)
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	err = func() error {
		w, err := age.Encrypt(out, rs...)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, in); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return out.Sync()
	}()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Restore replaces the station database in dataDir with the backup at src
// (the station must be closed; the current database is kept as
// station.db.before-restore). An encrypted backup needs identityFile, the
// age identity ("AGE-SECRET-KEY-1...") its recipient belongs to; it is
// decrypted inside dataDir and the plain copy removed. put checks a plain
// backup and puts it in place of the database file (app/sqlite.Restore).
func Restore(ctx context.Context, dataDir, src, identityFile string, put func(ctx context.Context, src, dbPath string) error) error {
	dbPath := filepath.Join(dataDir, DBFile)
	head := make([]byte, len(ageMagic))
	f, err := os.Open(src)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法读取备份文件："+src, "restore: %v", err)
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	if !bytes.Equal(head[:n], ageMagic) {
		return put(ctx, src, dbPath)
	}
	if identityFile == "" {
		return domain.Errorf(domain.EInvalid, "该备份已加密，请用 --identity 指定解密密钥文件。", "restore %s: encrypted backup, identity required", src)
	}
	kb, err := os.ReadFile(identityFile)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "无法读取密钥文件："+identityFile, "restore: identity: %v", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(kb))
	if err != nil {
		return domain.Errorf(domain.EInvalid, "密钥文件格式不正确。", "restore: identity %s: %v", identityFile, err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	plain, err := decryptTo(dataDir, src, ids)
	if plain != "" {
		defer os.Remove(plain)
	}
	if err != nil {
		return err
	}
	return put(ctx, plain, dbPath)
}

// decryptTo decrypts src into a new file (mode 0600) in dir and returns its
// name.
func decryptTo(dir, src string, ids []age.Identity) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	r, err := age.Decrypt(in, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return "", domain.Errorf(domain.EInvalid, "密钥与该备份不符，无法解密。", "restore %s: no identity matches", src)
		}
		return "", domain.Errorf(domain.EInvalid, "备份文件已损坏，无法解密。", "restore %s: %v", src, err)
	}
	out, err := os.CreateTemp(dir, ".restore-*.db")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	name := out.Name()
	_, err = io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return name, domain.Errorf(domain.EInvalid, "备份文件已损坏，无法解密。", "restore %s: %v", src, err)
	}
	return name, nil
}
