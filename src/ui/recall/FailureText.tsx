/** A failure's message: its first line in words; what the runtime said, when it says more, folded away as a detail. */
export function FailureText({ message }: { message: string }) {
  const [first, ...rest] = message.split('\n');
  return (
    <>
      {first}
      {rest.length > 0 && (
        <details className="detail">
          <summary>details</summary>
          {rest.join('\n')}
        </details>
      )}
    </>
  );
}

export const firstLine = (message: string) => message.split('\n')[0];
