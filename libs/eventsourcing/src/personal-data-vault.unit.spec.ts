import { InMemoryPersonalDataVault } from './personal-data-vault.js';

describe('InMemoryPersonalDataVault', () => {
  it('seals with a key per subject, opens it again, and erasing the subject shreds it', async () => {
    const vault = new InMemoryPersonalDataVault();
    const phone = await vault.seal('subject-1', '+86 138 0000 0000');
    const other = await vault.seal('subject-2', 'Wang Wu');
    expect(JSON.stringify(phone)).not.toContain('138');
    expect(phone.keyId).not.toBe(other.keyId);
    expect(await vault.open(phone)).toBe('+86 138 0000 0000');

    await vault.erase('subject-1');
    expect(await vault.open(phone)).toBeUndefined();
    expect(await vault.open(other)).toBe('Wang Wu');
    await expect(vault.seal('subject-1', 'again')).rejects.toThrow('erased');
  });

  it('refuses a tampered ciphertext', async () => {
    const vault = new InMemoryPersonalDataVault();
    const sealed = await vault.seal('s', 'secret');
    const flipped = Buffer.from(sealed.ct, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(vault.open({ ...sealed, ct: flipped.toString('base64') })).rejects.toThrow();
  });
});
