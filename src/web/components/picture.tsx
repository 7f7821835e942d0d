/** `<picture>` over the media pipeline's Picture: modern formats first, intrinsic size set (no layout shift). */
import type { Picture } from '../../media/picture.js';

export interface ResponsivePictureProps {
  picture: Picture;
  /** The `sizes` attribute: how wide the image is drawn at each viewport width. */
  sizes: string;
  /** The page's largest image (LCP): fetched first, never lazily. Everything else loads lazily. */
  hero?: boolean;
  class?: string;
}

export function ResponsivePicture({ picture, sizes, hero = false, class: className }: ResponsivePictureProps) {
  return (
    <picture class={className}>
      {picture.sources.map((source) => (
        <source type={source.type} srcset={source.srcset} sizes={sizes} />
      ))}
      <img
        src={picture.src}
        alt={picture.alt}
        width={picture.width}
        height={picture.height}
        decoding="async"
        {...(hero ? { fetchpriority: 'high', loading: 'eager' } : { loading: 'lazy' })}
      />
    </picture>
  );
}
