/** Opens the browser's print dialog (A4 print stylesheet); without JavaScript the browser's own print menu does the same. */
export function PrintButton({ label }: { label: string }) {
  return (
    <button type="button" className="secondary" onClick={() => window.print()} data-testid="print">
      {label}
    </button>
  );
}
