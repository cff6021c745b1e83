// A labelled password input, as the sign-in, account and user forms use it: the browser's password
// manager sees `autoComplete` (current-password or new-password), tests find it by its test id.
export function PasswordField({
  id,
  label,
  value,
  onChange,
  testId,
  autoComplete = 'new-password',
  required = true,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId: string;
  autoComplete?: 'current-password' | 'new-password';
  required?: boolean;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="password"
        autoComplete={autoComplete}
        required={required}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
