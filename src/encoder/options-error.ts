/** Options that cannot make a valid file for this input (image or clip); the message names the option. */
export class EncodeOptionsError extends RangeError {
  override readonly name = 'EncodeOptionsError';
}
